package dolibarr_test

import (
	"errors"
	"strconv"

	"github.com/rs/zerolog"
)

func itoa(n int) string { return strconv.Itoa(n) }

func errorsAs(err error, target any) bool { return errors.As(err, target) }

func zerolog0() zerolog.Logger { return zerolog.Nop() }
