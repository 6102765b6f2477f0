// Package planethoster is the client of the PlanetHoster API (reseller and
// World families for the account, N0C for disk use): account credit, hosting
// accounts, domain registration. PlanetHoster has no ticket API; tickets go
// by e-mail (mailer.Tickets) and people follow them in the client area.
//
// PlanetHoster has no invoice API either, so there is no client method nor
// fake route for invoices and /invoice list points to the client area. The
// published spec ("PlanetHoster API" 2.0.0, https://apidoc.planethoster.com,
// as generated in github.com/archeti-org/planethoster-api README.md) lists
// only the reseller-api (domains, account-info with the credit balance),
// world-api (hosting accounts) and n0c-api (inside an account) families;
// PlanetHoster's own SDKs (github.com/PlanetHoster/planethoster-php
// src/Api/*.php, github.com/PlanetHoster/ph-node-api src/api/*.ts) have no
// billing call. Invoices are read and paid in the client area, Billing &
// Payments » History, or without logging in from the invoice e-mail
// (kb.planethoster.com/en/guide/billing/payment-methods-accepted-by-planethoster,
// kb.planethoster.com/en/guide/invoices).
package planethoster
