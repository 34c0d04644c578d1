package db

import (
	"context"

	"gorm.io/gorm"
)

type txKey struct{}

// txState is the transaction a context carries and what waits for its commit.
type txState struct {
	tx          *gorm.DB
	afterCommit []func()
}

// Conn returns the transaction carried by ctx, or the pool when there is
// none, bound to ctx. Every query of a domain service goes through it.
func (db *DB) Conn(ctx context.Context) *gorm.DB {
	if st, ok := ctx.Value(txKey{}).(*txState); ok {
		return st.tx
	}
	return db.gorm.WithContext(ctx)
}

// InTx runs fn in a transaction carried by the context it is given. When ctx
// already carries one, fn joins it, so services compose: the outermost InTx
// commits once, or rolls everything back when fn returns an error.
func (db *DB) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(txKey{}).(*txState); ok {
		return fn(ctx)
	}
	st := &txState{}
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		st.tx = tx
		return fn(context.WithValue(ctx, txKey{}, st))
	})
	if err != nil {
		return err
	}
	for _, f := range st.afterCommit {
		f()
	}
	return nil
}

// AfterCommit runs f once the transaction of ctx commits, and never if it
// rolls back. Without a transaction, f runs at once: the write is already
// durable. This is how a committed change wakes its followers without any
// caller having to remember to.
func AfterCommit(ctx context.Context, f func()) {
	if st, ok := ctx.Value(txKey{}).(*txState); ok {
		st.afterCommit = append(st.afterCommit, f)
		return
	}
	f()
}

// InTransaction reports whether ctx carries a transaction.
func InTransaction(ctx context.Context) bool {
	_, ok := ctx.Value(txKey{}).(*txState)
	return ok
}
