package bot

// Locale selects the language of what people read. French is the default.
type Locale string

// The supported locales.
const (
	FR Locale = "fr"
	EN Locale = "en"
)

// ParseLocale accepts "fr", "en" and "" (French).
func ParseLocale(s string) (Locale, bool) {
	switch s {
	case "", "fr":
		return FR, true
	case "en":
		return EN, true
	}
	return "", false
}

// Pick returns fr or en according to l.
func (l Locale) Pick(fr, en string) string {
	if l == EN {
		return en
	}
	return fr
}
