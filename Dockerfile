# The cloud as one static binary: SQLite is pure Go, so no cgo is needed.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/mypos ./cmd/mypos

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/mypos /usr/local/bin/mypos
COPY configs/mypos.yaml /etc/mypos/mypos.yaml
ENV MYPOS_DATA_DIR=/var/lib/mypos \
    MYPOS_MQTT_ADDR=:1883 \
    MYPOS_METRICS_ADDR=:9464
VOLUME /var/lib/mypos
EXPOSE 8080 1883 9464
ENTRYPOINT ["/usr/local/bin/mypos"]
CMD ["serve", "--config", "/etc/mypos/mypos.yaml"]
