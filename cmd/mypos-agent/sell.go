package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"mypos/agent"
	"mypos/protocol"
)

// sell registers a sale through the running agent, which prices it from
// the till's store, and prints its number, total and state. A refusal is
// one line and exit 1.
func sell(ctx context.Context, args []string, stdout io.Writer) error {
	f := newAPIFlags("sell")
	cashier := f.String("cashier", "", "the cashier's ID (see mypos-agent cashiers)")
	payment := f.String("payment", protocol.PaymentCash, "cash or card")
	total := f.String("total", "", "the total the customer was shown, in kopecks: refused if the lines add up otherwise")
	id := f.String("id", "", "the receipt's UUID, to retry a sale without registering it twice")
	items, err := f.parseArgs(args)
	if err != nil {
		return err
	}
	req, err := saleRequest(*cashier, *payment, *total, *id, items)
	if err != nil {
		return err
	}
	c, err := agent.NewAPIClient(f.data, *f.api)
	if err != nil {
		return err
	}
	r, created, err := c.Sell(ctx, req)
	var refusal *agent.APIError
	switch {
	case errors.As(err, &refusal):
		return fmt.Errorf("sale refused: %s (%s)", refusal.Message, refusal.Code)
	case err != nil:
		return fmt.Errorf("sell: %w", err)
	case *f.json:
		return json.NewEncoder(stdout).Encode(r)
	}
	done := "registered"
	if !created {
		done = "was already registered"
	}
	fmt.Fprintf(stdout, "Receipt %d %s: %s ₽ by %s, %s (id %s).\n", r.Sale.Number, done, agent.Rubles(r.Sale.Total), r.Sale.Payment, r.State, r.Sale.ID)
	return nil
}

// sellSynopsis is the shortest `sell` command line, as the help spells it.
const sellSynopsis = "sell --cashier ID ITEM..."

// saleRequest checks the command line and makes the request of it.
func saleRequest(cashier, payment, total, id string, items []string) (*agent.SaleRequest, error) {
	switch {
	case cashier == "":
		return nil, fmt.Errorf("%w: name the cashier: --cashier ID", errUsage)
	case payment != protocol.PaymentCash && payment != protocol.PaymentCard:
		return nil, fmt.Errorf("%w: --payment is cash or card", errUsage)
	case len(items) == 0:
		return nil, fmt.Errorf("%w: name what is sold: %s", errUsage, sellSynopsis)
	}
	req := &agent.SaleRequest{ID: id, CashierID: cashier, Payment: payment}
	if total != "" {
		n, err := strconv.ParseInt(total, 10, 64)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("%w: --total is kopecks, e.g. 12345 for 123.45 ₽", errUsage)
		}
		req.Total = &n
	}
	for _, it := range items {
		l, err := parseItem(it)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		req.Lines = append(req.Lines, l)
	}
	return req, nil
}
