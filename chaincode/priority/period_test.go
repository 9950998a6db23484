package priority

import (
	"testing"

	"github.com/ipledger/ipledger/chaincode/errs"
)

func weekendCalendar(t *testing.T, closures ...string) Calendar {
	return mustCalendar(t, []string{"SATURDAY", "SUNDAY"}, closures)
}

func TestPeriodMonthsCompatibility(t *testing.T) {
	tests := map[string]struct {
		prior, later IPRight
		months       int
		code         errs.Code
	}{
		"patent claiming a patent has 12 months":                {Patent, Patent, 12, ""},
		"utility model claiming a patent has 12 months":         {Patent, UtilityModel, 12, ""},
		"patent claiming a utility model has 12 months":         {UtilityModel, Patent, 12, ""},
		"utility model claiming a utility model has 12 months":  {UtilityModel, UtilityModel, 12, ""},
		"design claiming a utility model has the design period": {UtilityModel, IndustrialDesign, 6, ""},
		"design claiming a design has 6 months":                 {IndustrialDesign, IndustrialDesign, 6, ""},
		"trademark claiming a trademark has 6 months":           {Trademark, Trademark, 6, ""},
		"patent claiming a design is incompatible":              {IndustrialDesign, Patent, 0, errs.IncompatibleIPType},
		"design claiming a patent is incompatible":              {Patent, IndustrialDesign, 0, errs.IncompatibleIPType},
		"design claiming a trademark is incompatible":           {Trademark, IndustrialDesign, 0, errs.IncompatibleIPType},
		"trademark claiming a design is incompatible":           {IndustrialDesign, Trademark, 0, errs.IncompatibleIPType},
		"utility model claiming a design is incompatible":       {IndustrialDesign, UtilityModel, 0, errs.IncompatibleIPType},
		"trademark claiming a patent is incompatible":           {Patent, Trademark, 0, errs.IncompatibleIPType},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			m, err := PeriodMonths(tc.prior, tc.later)
			if got := errs.CodeOf(err); got != tc.code {
				t.Fatalf("code = %q, want %q", got, tc.code)
			}
			if m != tc.months {
				t.Fatalf("months = %d, want %d", m, tc.months)
			}
		})
	}
}

func TestComputeDeadlineWorkedExamples(t *testing.T) {
	tests := map[string]struct {
		prior, later       IPRight
		priority           string
		closures           []string
		nominal, end       string
		nominalRestoration string
		restorationEnd     string
	}{
		"a patent period ending on Saturday moves to Monday": {
			prior: Patent, later: Patent, priority: "2024-03-15",
			nominal: "2025-03-15", end: "2025-03-17", nominalRestoration: "2025-05-17", restorationEnd: "2025-05-19"},
		"a leap-day patent ends on 28 February, a Friday": {
			prior: Patent, later: Patent, priority: "2024-02-29",
			nominal: "2025-02-28", end: "2025-02-28", nominalRestoration: "2025-04-28", restorationEnd: "2025-04-28"},
		"a design filed on 31 August ends on 29 February": {
			prior: IndustrialDesign, later: IndustrialDesign, priority: "2023-08-31",
			nominal: "2024-02-29", end: "2024-02-29", nominalRestoration: "2024-04-29", restorationEnd: "2024-04-29"},
		"a trademark ending on Saturday 28 February moves to 2 March": {
			prior: Trademark, later: Trademark, priority: "2025-08-31",
			nominal: "2026-02-28", end: "2026-03-02", nominalRestoration: "2026-05-02", restorationEnd: "2026-05-04"},
		"a patent ending on Saturday 28 June moves to Monday 30 June": {
			prior: Patent, later: Patent, priority: "2024-06-28",
			nominal: "2025-06-28", end: "2025-06-30", nominalRestoration: "2025-08-30", restorationEnd: "2025-09-01"},
		"the OSF's closure on Monday pushes the end to Tuesday": {
			prior: Patent, later: Patent, priority: "2024-06-28", closures: []string{"2025-06-30"},
			nominal: "2025-06-28", end: "2025-07-01", nominalRestoration: "2025-09-01", restorationEnd: "2025-09-01"},
		"a design claiming a utility model gets six months": {
			prior: UtilityModel, later: IndustrialDesign, priority: "2024-01-10",
			nominal: "2024-07-10", end: "2024-07-10", nominalRestoration: "2024-09-10", restorationEnd: "2024-09-10"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			d, err := ComputeDeadline(tc.prior, tc.later, mustDate(t, tc.priority), weekendCalendar(t, tc.closures...))
			if err != nil {
				t.Fatal(err)
			}
			got := []string{d.NominalPeriodEnd.String(), d.PeriodEnd.String(), d.NominalRestorationEnd.String(), d.RestorationEnd.String()}
			want := []string{tc.nominal, tc.end, tc.nominalRestoration, tc.restorationEnd}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("deadline = %v, want %v", got, want)
				}
			}
		})
	}
}

func TestAssessClaim(t *testing.T) {
	tests := map[string]struct {
		prior, later       IPRight
		priority, filed    string
		restorationAllowed bool
		want               Timeliness
		code               errs.Code
	}{
		"a patent filed on the extended last day is in time": {
			Patent, Patent, "2024-03-15", "2025-03-17", true, InTime, ""},
		"a patent filed the day after is late but restorable": {
			Patent, Patent, "2024-03-15", "2025-03-18", true, LateRestorable, ""},
		"a patent filed on the restoration end is restorable": {
			Patent, Patent, "2024-03-15", "2025-05-19", true, LateRestorable, ""},
		"a patent filed after the restoration end has expired": {
			Patent, Patent, "2024-03-15", "2025-05-20", true, "", errs.PriorityPeriodExpired},
		"a late claim without a restoration policy is refused": {
			Patent, Patent, "2024-03-15", "2025-03-18", false, "", errs.RestorationNotAvailable},
		"a trademark filed on the extended end is in time": {
			Trademark, Trademark, "2025-08-31", "2026-03-02", false, InTime, ""},
		"a trademark filed a day late without restoration is refused": {
			Trademark, Trademark, "2025-08-31", "2026-03-03", false, "", errs.RestorationNotAvailable},
		"a leap-day patent claimed on 3 March is late but restorable": {
			Patent, Patent, "2024-02-29", "2025-03-03", true, LateRestorable, ""},
		"a priority date equal to the filing date is refused": {
			Patent, Patent, "2025-03-17", "2025-03-17", true, "", errs.PriorityDateNotEarlier},
		"a priority date after the filing date is refused": {
			Patent, Patent, "2025-03-18", "2025-03-17", true, "", errs.PriorityDateNotEarlier},
		"the date order is checked before compatibility": {
			Trademark, Patent, "2025-03-18", "2025-03-17", true, "", errs.PriorityDateNotEarlier},
		"incompatible rights are refused": {
			Trademark, IndustrialDesign, "2025-01-01", "2025-02-01", true, "", errs.IncompatibleIPType},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			a, err := AssessClaim(tc.prior, tc.later, mustDate(t, tc.priority), mustDate(t, tc.filed), weekendCalendar(t), tc.restorationAllowed)
			if got := errs.CodeOf(err); got != tc.code {
				t.Fatalf("code = %q, want %q (%v)", got, tc.code, err)
			}
			if a.Timeliness != tc.want {
				t.Fatalf("timeliness = %q, want %q", a.Timeliness, tc.want)
			}
		})
	}
}

func TestHolidayExtensionUsesTheCalendarGiven(t *testing.T) {
	us := weekendCalendar(t, "2025-06-30")
	ep := weekendCalendar(t)
	p := mustDate(t, "2024-06-28")
	dUS, _ := ComputeDeadline(Patent, Patent, p, us)
	dEP, _ := ComputeDeadline(Patent, Patent, p, ep)
	if dUS.PeriodEnd.String() != "2025-07-01" || dEP.PeriodEnd.String() != "2025-06-30" {
		t.Fatalf("US end %s, EP end %s", dUS.PeriodEnd, dEP.PeriodEnd)
	}
}
