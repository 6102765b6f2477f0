package ovhtest

import "time"

// Demo credentials: the fake accepts these, the demo configuration uses them.
const (
	DemoAppKey      = "demo-ovh-ak"
	DemoAppSecret   = "demo-ovh-as"
	DemoConsumerKey = "demo-ovh-ck"
	DemoPaymentID   = 4242 // the default payment method: a card
)

// SeedDemo fills the account of a small association: two open tickets about
// the Dolibarr VPS (one answered by the support), a closed one, the yearly
// VPS renewal already paid, a domain renewal and last month's VPS bill still
// due, and a registered card to pay them with.
func (s *Server) SeedDemo() {
	now := s.clock()
	day := func(n int) time.Time { return now.AddDate(0, 0, -n) }
	t1 := s.AddTicket("Serveur Dolibarr injoignable", "Bonjour, depuis 14h05 le VPS ne répond plus au ping ni en HTTPS.", day(2))
	s.SupportReply(t1, "Bonjour, une intervention est en cours sur l'hôte de votre VPS. Nous revenons vers vous.", day(1))
	s.AddTicket("Sauvegarde automatique en échec", "Bonjour, la sauvegarde automatique du VPS échoue depuis 3 jours.", day(5))
	closed := s.AddTicket("Changement de contact facturation", "Merci de passer la trésorière en contact facturation.", day(60))
	s.CloseTicket(closed)
	s.AddBill("FR56012345", day(200), 201234567, "autorenew", 8388, false)
	s.AddBill("FR56098765", day(20), 201250001, "autorenew", 1439, true)
	s.AddBill("FR56099001", day(3), 201260002, "purchase-web", 2399, true)
	s.AddPaymentMethod(DemoPaymentID, "CREDIT_CARD", "4970********1234", "VALID", true)
}
