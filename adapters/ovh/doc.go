// Package ovh is the client of the OVHcloud API v1 (support tickets, bills
// and debts of the association's OVH account).
//
// Requests go through the shared resty client of adapters/internal/rest, so
// reads are retried (timeouts, 5xx, 429) and writes never are. Signing is
// github.com/ovh/go-ovh's: a pre-request hook, run on every attempt, asks
// go-ovh to build the same request (method, exact URL, exact body bytes),
// which fetches the server clock from /auth/time once and computes the
// X-Ovh-Timestamp and X-Ovh-Signature headers; the hook checks that go-ovh
// signed byte for byte what resty sends and copies the headers over. go-ovh
// itself never sends a business request: it cannot retry, and it would
// rewrite the timeout of the caller's *http.Client.
//
// Bills are paid with the payment-method API, as terraform-provider-ovh's
// orderCreate does (ovh/terraform-provider-ovh ovh/order.go; schema
// https://eu.api.ovh.com/1.0/me.json, read in UrielCh/api-ovh-node
// code/gen/models/ovh-api/me.ts): GET /me/payment/method (filters default,
// paymentType, status) lists ids, GET /me/payment/method/{id} is a
// me.payment.PaymentMethod {paymentMethodId, paymentType, status (VALID,
// EXPIRED…), default, label}; POST /me/debtAccount/debt/{debtId}/pay makes
// the order of a debt, POST /me/order/{orderId}/pay
// {"paymentMethod":{"id":N}} pays it (void), GET /me/order/{orderId}/status
// says checking, delivering, delivered, notPaid… The legacy /me/paymentMean/*
// and payWithRegisteredPaymentMean routes were retired in 2023
// (reference/providers/ovh.md, confirmed 2026-12; terraform-provider-ovh
// keeps the latter only for orders of 0 €): they are never called.
//
// Access rules the consumer key needs: GET /me/*, GET /support/*,
// POST /support/*, POST /me/debtAccount/debt/*/pay and POST /me/order/*/pay.
package ovh
