package mypos

import "context"

// Kinds of actor. The account kinds double as the names users pick between
// when one password opens two cabinets.
const (
	KindOwner   = "owner"
	KindPartner = "partner"
	KindCompany = "company"
	KindDevice  = "device"
)

// Actor is who is making a request: an account of the cabinet or a device.
type Actor struct {
	Kind string
	// ID is the account's ID (owner, partner, company) or the device's.
	ID string
	// CompanyID is the company a device belongs to; for a company it is ID.
	CompanyID string
	Name      string
}

// Is reports whether the actor is of the given kind.
func (a Actor) Is(kind string) bool { return a.Kind == kind }

type actorKey struct{}

// NewContextWithActor returns a context that carries the actor.
func NewContextWithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFromContext returns the actor of ctx, and false when there is none.
func ActorFromContext(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok
}

// RequireActor returns the actor of ctx when it is of one of the kinds.
// Returns EUNAUTHORIZED when nobody is logged in, EFORBIDDEN for another kind.
func RequireActor(ctx context.Context, kinds ...string) (Actor, error) {
	a, ok := ActorFromContext(ctx)
	if !ok {
		return Actor{}, Errorf(EUNAUTHORIZED, "Authentication required.")
	}
	for _, k := range kinds {
		if a.Kind == k {
			return a, nil
		}
	}
	return Actor{}, Errorf(EFORBIDDEN, "This action is not available to a %s account.", a.Kind)
}
