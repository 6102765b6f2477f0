package cpanel

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/anopex/opsbot/bot"
)

var _ bot.DNSZones = (*Client)(nil)

// lineJSON is one line of DNS::parse_zone; names and values are base64
// (reference §4.14).
type lineJSON struct {
	LineIndex  int      `json:"line_index"`
	Type       string   `json:"type"`
	RecordType string   `json:"record_type"`
	TTL        flexNum  `json:"ttl"`
	DNameB64   string   `json:"dname_b64"`
	DataB64    []string `json:"data_b64"`
}

// absolute makes a zone-file name absolute: "www" in zone "anopex.fr" is
// "www.anopex.fr.", "@" is the apex.
func absolute(name, zone string) string {
	switch {
	case name == "" || name == "@":
		return zone + "."
	case strings.HasSuffix(name, "."):
		return name
	}
	return name + "." + zone + "."
}

// Zone parses zone and returns its records (SOA included) and its serial.
// API: GET /execute/DNS/parse_zone?zone=… (https://api.docs.cpanel.net/openapi/cpanel/operation/parse_zone)
func (c *Client) Zone(ctx context.Context, zone string) (bot.Zone, error) {
	const op = "parse zone"
	var lines []lineJSON
	if err := c.get(ctx, op, "DNS/parse_zone", url.Values{"zone": {zone}}, &lines); err != nil {
		return bot.Zone{}, err
	}
	z := bot.Zone{Name: zone}
	dec := func(s string) (string, error) {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return "", &bot.Error{Provider: provider, Op: op, Kind: bot.Internal, Err: fmt.Errorf("line value is not base64: %w", err)}
		}
		return string(b), nil // not guaranteed UTF-8: commands quote it when they show it
	}
	for _, l := range lines {
		if l.Type != "record" {
			continue
		}
		name, err := dec(l.DNameB64)
		if err != nil {
			return bot.Zone{}, err
		}
		r := bot.DNSRecord{Line: l.LineIndex, Name: absolute(strings.ToLower(name), zone), TTL: int(l.TTL.v), Type: strings.ToUpper(l.RecordType)}
		for _, d := range l.DataB64 {
			v, err := dec(d)
			if err != nil {
				return bot.Zone{}, err
			}
			r.Data = append(r.Data, v)
		}
		if r.Type == "SOA" && len(r.Data) >= 3 {
			z.Serial = r.Data[2]
		}
		z.Records = append(z.Records, r)
	}
	if z.Serial == "" {
		return bot.Zone{}, &bot.Error{Provider: provider, Op: op, Kind: bot.Internal, Err: errors.New("zone without an SOA serial")}
	}
	return z, nil
}

// recordJSON is one add or edit item of DNS::mass_edit_zone.
type recordJSON struct {
	LineIndex *int     `json:"line_index,omitempty"`
	DName     string   `json:"dname"`
	TTL       int      `json:"ttl"`
	Type      string   `json:"record_type"`
	Data      []string `json:"data"`
}

// EditZone applies edit to zone if its serial is still serial, and returns
// the new serial. A serial that no longer matches is a Conflict: read the
// zone again and redo the edit.
// API: POST /execute/DNS/mass_edit_zone (https://api.docs.cpanel.net/openapi/cpanel/operation/mass_edit_zone)
func (c *Client) EditZone(ctx context.Context, zone, serial string, edit bot.ZoneEdit) (string, error) {
	const op = "edit zone"
	p := url.Values{"zone": {zone}, "serial": {serial}}
	item := func(r bot.DNSRecord, line *int) string {
		// Marshal cannot fail: strings, numbers and a list of strings.
		b, _ := json.Marshal(recordJSON{LineIndex: line, DName: absolute(r.Name, zone), TTL: r.TTL, Type: r.Type, Data: r.Data})
		return string(b)
	}
	for _, r := range edit.Add {
		p.Add("add", item(r, nil))
	}
	for _, r := range edit.Edit {
		p.Add("edit", item(r, &r.Line))
	}
	for _, l := range edit.Remove {
		p.Add("remove", strconv.Itoa(l))
	}
	var out struct {
		NewSerial flexNum `json:"new_serial"`
	}
	if err := c.post(ctx, op, "DNS/mass_edit_zone", p, &out); err != nil {
		// cPanel's wording for a stale serial is not in the reference: any
		// refusal that names the serial is the optimistic lock failing.
		var be *bot.Error
		if errors.As(err, &be) && be.Status == 200 && be.Kind == bot.Internal && strings.Contains(strings.ToLower(be.Err.Error()), "serial") {
			be.Kind = bot.Conflict
		}
		return "", err
	}
	if !out.NewSerial.ok {
		return "", &bot.Error{Provider: provider, Op: op, Kind: bot.Internal, Err: errors.New("answer without new_serial")}
	}
	return strconv.FormatFloat(out.NewSerial.v, 'f', 0, 64), nil
}
