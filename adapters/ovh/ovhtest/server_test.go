package ovhtest

import (
	"errors"
	"testing"

	goovh "github.com/ovh/go-ovh/ovh"
)

// The worked examples of reference/providers/ovh.md §2.
func TestSignatureVectors(t *testing.T) {
	const as, ck, ts = "7kbG7Bk7S9Nu7ZvxR0ATQNE5XrQ4", "MtSwSrPpNjqfVSmJhLbPyr2i45lSwPU1", 1764325012
	tests := []struct {
		name, method, url, body, want string
	}{
		{"get me", "GET", "https://eu.api.ovh.com/1.0/me", "", "$1$530305d15f0395056f45d84e4d651a010743aaa7"},
		{"post reply", "POST", "https://eu.api.ovh.com/1.0/support/tickets/8123456/reply", `{"body":"Merci"}`, "$1$7df7497e4d689cedf33882d62c481784ac864f24"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Signature(as, ck, tt.method, tt.url, tt.body, ts); got != tt.want {
				t.Errorf("Signature(%s %s) = %s, want %s", tt.method, tt.url, got, tt.want)
			}
		})
	}
}

// The legacy payment-mean API, retired in 2023, answers OVH's 404 for an
// unknown route; the payment-method API answers.
func TestRetiredPaymentRoutes(t *testing.T) {
	s := New("ak", "as", "ck")
	defer s.Close()
	s.AddBill("FR1", s.clock(), 201250001, "autorenew", 1439, true)
	s.AddPaymentMethod(4242, "CREDIT_CARD", "4970********1234", "VALID", true)
	c, err := goovh.NewClient(s.URL(), "ak", "as", "ck")
	if err != nil {
		t.Fatal(err)
	}
	c.Client = s.Client()
	for _, path := range []string{"/me/paymentMean/bankAccount", "/me/paymentMean/creditCard/1", "/me/order/201250001/payWithRegisteredPaymentMean"} {
		var ae *goovh.APIError
		if err := c.Post(path, map[string]any{"paymentMean": "creditCard", "paymentMeanId": 1}, nil); !errors.As(err, &ae) || ae.Code != 404 {
			t.Errorf("POST %s = %v, want 404", path, err)
		}
		if err := c.Get(path, nil); !errors.As(err, &ae) || ae.Code != 404 {
			t.Errorf("GET %s = %v, want 404", path, err)
		}
	}
	var ids []int64
	if err := c.Get("/me/payment/method?default=true&status=VALID", &ids); err != nil || len(ids) != 1 || ids[0] != 4242 {
		t.Errorf("GET /me/payment/method = %v, %v; want [4242]", ids, err)
	}
	if err := c.Post("/me/order/201250001/pay", map[string]any{"paymentMethod": map[string]int64{"id": 4242}}, nil); err != nil {
		t.Errorf("POST /me/order/201250001/pay = %v", err)
	}
	var st string
	if err := c.Get("/me/order/201250001/status", &st); err != nil || st != "delivered" || s.Due(201250001) != 0 {
		t.Errorf("status = %q, %v, due %d; want delivered and nothing due", st, err, s.Due(201250001))
	}
}
