package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"mypos/agent"
)

// enroll exchanges a code for the till's identity and says who it is now;
// the secret stays in its file.
func enroll(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("enroll")
	server := f.String("server", "", "the cabinet's URL")
	code := f.String("code", "", "the enrollment code from the cabinet")
	force := f.Bool("force", false, "replace this till's identity")
	if err := f.parse(args); err != nil {
		return err
	}
	if *server == "" || *code == "" {
		return fmt.Errorf("%w: mypos-agent enroll --server URL --code CODE", errUsage)
	}
	client, err := httpClient(f.ca)
	if err != nil {
		return err
	}
	id, err := agent.Enroll(ctx, agent.EnrollConfig{
		Server: *server, Code: *code, DataDir: f.data, Force: *force,
		HTTPClient: client, Logger: newLogger(stderr),
	})
	if errors.Is(err, agent.ErrEnrolled) {
		return fmt.Errorf("%w; --force enrolls it again and its old identity is lost", err)
	}
	if errors.As(err, new(*tls.CertificateVerificationError)) {
		return fmt.Errorf("enroll: %w; --ca FILE trusts the cloud's own CA", err)
	}
	if err != nil {
		return fmt.Errorf("enroll: %w", err)
	}
	fmt.Fprintf(stdout, "Enrolled as device %s; the cloud's broker is %s.\nIdentity stored in %s. Start the agent: mypos-agent run --data %s\n",
		id.DeviceID, id.MQTTURL, f.data, f.data)
	return nil
}

// httpClient trusts the system roots, and caFile when given.
func httpClient(caFile string) (*http.Client, error) {
	client := &http.Client{Timeout: 30 * time.Second}
	if caFile == "" {
		return client, nil
	}
	conf, err := agent.TLSConfig(caFile)
	if err != nil {
		return nil, err
	}
	client.Transport = &http.Transport{TLSClientConfig: conf, Proxy: http.ProxyFromEnvironment}
	return client, nil
}
