package probe_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/anopex/opsbot/adapters/probe"
	"github.com/anopex/opsbot/bot"
	"github.com/anopex/opsbot/bot/alerts"
)

type account struct {
	u   bot.DiskUsage
	err error
}

func (a account) AccountQuota(context.Context) (bot.DiskUsage, error) { return a.u, a.err }

func TestDisk(t *testing.T) {
	detail := "Courrier, sites et bases de données partagent cet espace : une boîte pleine ou une sauvegarde oubliée suffit à le remplir."
	tests := []struct {
		name string
		u    bot.DiskUsage
		want []alerts.Alert
	}{
		{"half used", bot.DiskUsage{UsedMB: 5000, LimitMB: 10000}, nil},
		{"exactly 90 %", bot.DiskUsage{UsedMB: 9000, LimitMB: 10000}, nil},
		{"no limit", bot.DiskUsage{UsedMB: 90000}, nil},
		{"95 %", bot.DiskUsage{UsedMB: 9500, LimitMB: 10000}, []alerts.Alert{{Key: "disk:account", Severity: alerts.Warning,
			Title: "L'espace disque de l'hébergement est occupé à 95 % (" + bot.FormatMB(bot.FR, 9500) + " sur " + bot.FormatMB(bot.FR, 10000) + ")", Detail: detail}}},
		{"full", bot.DiskUsage{UsedMB: 10000, LimitMB: 10000}, []alerts.Alert{{Key: "disk:account", Severity: alerts.Critical,
			Title: "L'espace disque de l'hébergement est occupé à 100 % (" + bot.FormatMB(bot.FR, 10000) + " sur " + bot.FormatMB(bot.FR, 10000) + ")", Detail: detail}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := probe.NewDisk(account{u: tt.u}, "", 0, probe.Options{}).Run(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Run (-want +got):\n%s", diff)
			}
		})
	}
	down := account{err: &bot.Error{Provider: "cpanel", Kind: bot.Denied}}
	if _, err := probe.NewDisk(down, "", 0, probe.Options{}).Run(t.Context()); bot.KindOf(err) != bot.Denied {
		t.Errorf("Run with cPanel refusing: error %v, want kind Denied", err)
	}
}

// With several servers the key and the title name the server.
func TestDiskOfAServer(t *testing.T) {
	got, err := probe.NewDisk(account{u: bot.DiskUsage{UsedMB: 9500, LimitMB: 10000}}, "ovh", 0, probe.Options{}).Run(t.Context())
	if err != nil || len(got) != 1 || got[0].Key != "disk:ovh" || got[0].Server != "ovh" || got[0].Title != "Serveur ovh : L'espace disque de l'hébergement est occupé à 95 % (9,3 Go sur 9,8 Go)" {
		t.Errorf("Run = %+v, %v", got, err)
	}
}

func TestDriveQuota(t *testing.T) {
	for _, tt := range []struct {
		u    bot.DiskUsage
		want alerts.Severity
	}{{bot.DiskUsage{UsedMB: 8000, LimitMB: 10000}, ""}, {bot.DiskUsage{UsedMB: 90000}, ""},
		{bot.DiskUsage{UsedMB: 9500, LimitMB: 10000}, alerts.Warning}, {bot.DiskUsage{UsedMB: 9900, LimitMB: 10000}, alerts.Critical}} {
		got, err := probe.NewDriveQuota(account{u: tt.u}, 0, probe.Options{}).Run(t.Context())
		if err != nil || tt.want == "" && len(got) != 0 || tt.want != "" && (len(got) != 1 || got[0].Key != "drive:quota" || got[0].Severity != tt.want) {
			t.Errorf("%+v: %+v, %v", tt.u, got, err)
		}
	}
	got, _ := probe.NewDriveQuota(account{u: bot.DiskUsage{UsedMB: 9500, LimitMB: 10000}}, 0, probe.Options{}).Run(t.Context())
	if len(got) == 1 && got[0].Title != "Le stockage Google Drive est occupé à 95 % (9,3 Go sur 9,8 Go)" {
		t.Errorf("title %q", got[0].Title)
	}
	if _, err := probe.NewDriveQuota(account{err: bot.Errorf(bot.Denied, "drive", "about", "401")}, 0, probe.Options{}).Run(t.Context()); bot.KindOf(err) != bot.Denied {
		t.Errorf("a refusal is not the run's error: %v", err)
	}
}
