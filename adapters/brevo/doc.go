// Package brevo is the client of Brevo's API v3 (ex-Sendinblue) for
// newsletter contacts and lists, following reference/providers/brevo.md: the
// api-key header, {code, message} error bodies, offset pagination with a
// total count, per-endpoint page maxima, rate-limit headers
// (x-sib-ratelimit-limit, -remaining, -reset) and 429 answers that carry no
// Retry-After: reads wait x-sib-ratelimit-reset seconds and try again.
//
// Lists are read with the largest page size (1000 on /contacts, 500 on
// /contacts/lists/{id}/contacts), one page after the other until the count the answers tell, paced to RatePerSecond
// (Brevo's general tier allows 10 requests a second on /contacts), with a cap
// on pages and contacts (paging.Read). Writes go in batches of 150, one after
// the other, never retried.
//
// A list's members are read from GET /contacts/lists/{listId}/contacts
// (limit ≤ 500, offset; getbrevo/brevo-go api/swagger.yaml,
// https://developers.brevo.com/reference/get-contacts-from-list), never from
// GET /contacts?listIds=, whose count can be the account's total
// (reference/providers/brevo.md §5.7, confirmed 2026-12): a reader trusting
// it would take the list for a page capped by the server. Rate limits:
// https://developers.brevo.com/docs/api-limits (contacts: 10 requests a
// second on the general tier) and /docs/limit-headers: the bucket is the
// account's, shared by all its keys, so an answer with
// x-sib-ratelimit-remaining 0 holds the next writes (never retried) for
// x-sib-ratelimit-reset seconds; reads retry their 429s.
package brevo
