package alerts

import "context"

// CheckFunc adapts a function to Check.
func CheckFunc(name string, run func(ctx context.Context) ([]Alert, error)) Check {
	return checkFunc{name: name, run: run}
}

type checkFunc struct {
	name string
	run  func(ctx context.Context) ([]Alert, error)
}

func (c checkFunc) Name() string                             { return c.name }
func (c checkFunc) Run(ctx context.Context) ([]Alert, error) { return c.run(ctx) }
