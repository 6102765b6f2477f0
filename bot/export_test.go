package bot

import "context"

// ExpireDue lets the engine's external tests expire requests without
// waiting for Run's sweep.
func (e *Engine) ExpireDue(ctx context.Context) (int, error) { return e.expireDue(ctx) }
