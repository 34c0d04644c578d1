package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"mypos/agent"
)

// cashiers lists the cashiers allowed on this till.
func cashiers(ctx context.Context, args []string, stdout io.Writer) error {
	f := newAPIFlags("cashiers")
	c, err := f.client(args)
	if err != nil {
		return err
	}
	items, err := c.Cashiers(ctx)
	if err != nil {
		return fmt.Errorf("cashiers: %w", err)
	}
	if *f.json {
		return json.NewEncoder(stdout).Encode(map[string]any{"items": items})
	}
	return table(stdout, items, "No cashiers on this till: allow some on it in the cabinet, then sync.", func(raw json.RawMessage) string {
		var ch struct {
			ID, Name, Role string
			Active         *bool
		}
		json.Unmarshal(raw, &ch)
		off := ""
		if ch.Active != nil && !*ch.Active {
			off = "switched off"
		}
		return strings.Join([]string{ch.ID, ch.Name, ch.Role, off}, "\t")
	})
}

// goods lists the till's goods at their prices here.
func goods(ctx context.Context, args []string, stdout io.Writer) error {
	f := newAPIFlags("goods")
	code := f.String("code", "", "only the goods with this code")
	barcode := f.String("barcode", "", "only the goods with this barcode")
	c, err := f.client(args)
	if err != nil {
		return err
	}
	items, err := c.Goods(ctx, *code, *barcode)
	if err != nil {
		return fmt.Errorf("goods: %w", err)
	}
	if *f.json {
		return json.NewEncoder(stdout).Encode(map[string]any{"items": items})
	}
	return table(stdout, items, "No such goods on this till.", func(raw json.RawMessage) string {
		var g struct {
			ID, Name, Unit, VAT string
			Code                json.RawMessage
			Price               int64
		}
		json.Unmarshal(raw, &g)
		return strings.Join([]string{strings.Trim(string(g.Code), `"`), g.Name, agent.Rubles(g.Price) + " ₽/" + g.Unit, "VAT " + g.VAT, g.ID}, "\t")
	})
}

// receipts lists the till's receipts, newest first.
func receipts(ctx context.Context, args []string, stdout io.Writer) error {
	f := newAPIFlags("receipts")
	state := f.String("state", "", "only receipts queued, acked or rejected")
	limit := f.Int("limit", 0, "at most this many (default 50)")
	c, err := f.client(args)
	if err != nil {
		return err
	}
	list, err := c.Receipts(ctx, *state, *limit)
	if err != nil {
		return fmt.Errorf("receipts: %w", err)
	}
	if *f.json {
		return json.NewEncoder(stdout).Encode(map[string]any{"items": list})
	}
	return table(stdout, list, "No receipts.", func(r agent.Receipt) string {
		why := ""
		if r.Code != "" {
			why = r.Code + ": " + r.Message
		}
		return strings.Join([]string{fmt.Sprint(r.Sale.Number), r.Sale.At.Format(time.DateTime),
			agent.Rubles(r.Sale.Total) + " ₽", r.Sale.Payment, r.State, why}, "\t")
	})
}

// table prints one aligned row per item (its cells tab-separated), or
// none when there are none.
func table[T any](w io.Writer, items []T, none string, row func(T) string) error {
	if len(items) == 0 {
		_, err := fmt.Fprintln(w, none)
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, it := range items {
		fmt.Fprintln(tw, strings.TrimRight(row(it), "\t"))
	}
	return tw.Flush()
}
