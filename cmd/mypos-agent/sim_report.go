package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"time"
)

// simReport is what a simulation measured. Rates are receipts a second
// over the whole fleet: Sell from the first sale until the last till's
// last sale was answered, Upload until the last till's queue was seen
// empty — every receipt acknowledged by the cloud — from the first sale,
// or with --offline from the tills' return.
type simReport struct {
	Tills    int      `json:"tills"`
	Receipts int      `json:"receipts"` // registered by the tills
	Lines    int      `json:"lines"`    // of each receipt
	Sell     simPhase `json:"sell"`
	Upload   simPhase `json:"upload"`
	Cloud    int      `json:"cloud_receipts"` // of Receipts, listed by the cloud
	Errors   []string `json:"errors"`         // one a failed till
}

// simPhase is one phase's time and rate; latencies are of the sales.
type simPhase struct {
	Seconds   float64 `json:"seconds"`
	PerSecond float64 `json:"per_second"`
	P50Ms     float64 `json:"latency_p50_ms,omitempty"`
	P99Ms     float64 `json:"latency_p99_ms,omitempty"`
}

func newReport(o simOptions, tills []*simTill, sell, upload time.Time) *simReport {
	r := &simReport{Tills: len(tills), Lines: o.lines, Errors: []string{}}
	var latencies []time.Duration
	var soldAt, ackedAt time.Time
	for _, t := range tills {
		r.Receipts += len(t.sold)
		r.Cloud += t.listed
		latencies = append(latencies, t.latencies...)
		soldAt, ackedAt = later(soldAt, t.soldAt), later(ackedAt, t.ackedAt)
		if t.err != nil {
			r.Errors = append(r.Errors, t.err.Error())
		}
	}
	slices.Sort(latencies)
	r.Sell = phase(r.Receipts, sell, soldAt)
	r.Sell.P50Ms, r.Sell.P99Ms = ms(percentile(latencies, 0.50)), ms(percentile(latencies, 0.99))
	r.Upload = phase(r.Receipts, upload, ackedAt)
	return r
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// phase is n receipts from start to end; zero when the phase never ended.
func phase(n int, start, end time.Time) simPhase {
	if end.IsZero() {
		return simPhase{}
	}
	d := end.Sub(start).Seconds()
	return simPhase{Seconds: round(d, 3), PerSecond: round(float64(n)/d, 1)}
}

// percentile is the nearest-rank q-quantile of sorted durations.
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[max(int(math.Ceil(q*float64(len(sorted))))-1, 0)]
}

func ms(d time.Duration) float64 { return round(float64(d)/float64(time.Millisecond), 2) }

func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}

// print writes the report as a few lines, or as JSON.
func (r *simReport) print(w io.Writer, asJSON bool) error {
	if asJSON {
		return json.NewEncoder(w).Encode(r)
	}
	fmt.Fprintf(w, "tills     %d, %d receipts of %d lines\n", r.Tills, r.Receipts, r.Lines)
	fmt.Fprintf(w, "sell      %.3f s: %.0f receipts/s registered; POST /v1/receipts p50 %.2f ms, p99 %.2f ms\n",
		r.Sell.Seconds, r.Sell.PerSecond, r.Sell.P50Ms, r.Sell.P99Ms)
	fmt.Fprintf(w, "upload    %.3f s: %.0f receipts/s ingested, all acknowledged %.0f ms after the last sale\n",
		r.Upload.Seconds, r.Upload.PerSecond, 1000*(r.Upload.Seconds-r.Sell.Seconds))
	fmt.Fprintf(w, "cloud     lists %d of %d\n", r.Cloud, r.Receipts)
	if len(r.Errors) == 0 {
		_, err := fmt.Fprintln(w, "errors    none")
		return err
	}
	fmt.Fprintf(w, "errors    %d\n", len(r.Errors))
	for _, e := range r.Errors {
		fmt.Fprintf(w, "  %s\n", e)
	}
	return nil
}

// failure is the run's error when a till failed: the report lists them all.
func (r *simReport) failure() error {
	switch len(r.Errors) {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("sim: %s", r.Errors[0])
	}
	return fmt.Errorf("sim: %d tills failed, the first: %s", len(r.Errors), r.Errors[0])
}
