package priority

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ipledger/ipledger/chaincode/errs"
)

// Fuzz targets of the domain parsers every transaction argument and JSON
// field goes through (issue 9). Each asserts no panic, coded errors with
// bounded messages, and what an accepted value guarantees. The seeds run as
// ordinary tests; `go test -run '^$' -fuzz=FuzzX ./priority` explores further.

// checkRefusal asserts a refusal is coded and does not echo a huge input.
func checkRefusal(t *testing.T, err error, want ...errs.Code) {
	t.Helper()
	if !slices.Contains(want, errs.CodeOf(err)) {
		t.Fatalf("error %v, want one of %v", err, want)
	}
	if len(err.Error()) > 600 {
		t.Fatalf("error message of %d bytes", len(err.Error()))
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2024-02-29", "2023-02-29", "1900-01-01", "1899-12-31", "9999-12-31", "0000-00-00",
		"2024-13-01", "2024-1-1", "２０２４-01-01", "2024-01-01\x00", "+024-01-01", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			checkRefusal(t, err, errs.InvalidDate)
			return
		}
		// Round trip: an accepted date is its own canonical form, in range.
		if d.String() != s || d.Before(MinDate) || d.After(MaxDate) {
			t.Fatalf("%q parsed as %s", s, d)
		}
		if back, err := ParseDate(d.AddDays(1).AddDays(-1).String()); err != nil || !back.Equal(d) {
			t.Fatalf("%s does not survive day arithmetic: %v", d, err)
		}
	})
}

func FuzzDeadline(f *testing.F) {
	f.Add("2024-03-15", "PATENT", "PATENT", "SATURDAY,SUNDAY", "2025-03-17")
	f.Add("2023-08-31", "UTILITY_MODEL", "INDUSTRIAL_DESIGN", "", "")
	f.Add("9999-12-31", "TRADEMARK", "TRADEMARK", "MONDAY,TUESDAY,WEDNESDAY,THURSDAY,FRIDAY,SATURDAY", "9999-12-31")
	f.Add("1900-01-01", "PATENT", "TRADEMARK", "SUNDAY,SUNDAY", "1900-01-02")
	f.Fuzz(func(t *testing.T, date, prior, later, closedWeekdays, closedDate string) {
		d, err := ParseDate(date)
		if err != nil {
			return
		}
		var weekdays, dates []string
		if closedWeekdays != "" {
			weekdays = strings.Split(closedWeekdays, ",")
		}
		if closedDate != "" {
			dates = []string{closedDate}
		}
		cal, err := NewCalendar(weekdays, dates)
		if err != nil {
			checkRefusal(t, err, errs.InvalidArgument, errs.InvalidDate)
			return
		}
		// A valid calendar is canonical and has a working day every week.
		if again, err := NewCalendar(cal.ClosedWeekdays(), cal.ClosedDates()); err != nil ||
			!slices.Equal(again.ClosedWeekdays(), cal.ClosedWeekdays()) || len(cal.ClosedWeekdays()) > 6 {
			t.Fatalf("calendar %v/%v does not round-trip: %v", cal.ClosedWeekdays(), cal.ClosedDates(), err)
		}
		pr, err1 := ParseIPRight(prior)
		lr, err2 := ParseIPRight(later)
		if err1 != nil || err2 != nil {
			return
		}
		dl, err := ComputeDeadline(pr, lr, d, cal)
		if err != nil {
			checkRefusal(t, err, errs.IncompatibleIPType)
			return
		}
		if dl.PeriodEnd.Before(dl.NominalPeriodEnd) || !cal.IsWorkingDay(dl.PeriodEnd) ||
			dl.PeriodEnd.After(dl.NominalPeriodEnd.AddDays(7+1)) && len(dates) == 0 ||
			!dl.RestorationEnd.After(dl.PeriodEnd) || !cal.IsWorkingDay(dl.RestorationEnd) {
			t.Fatalf("deadline %+v for %s", dl, d)
		}
	})
}

func FuzzNormaliseApplicationNumber(f *testing.F) {
	for _, s := range [][4]string{
		{"JP", "", "JP 2024-012345", `^(?:JP ?)?(?P<num>(?:19|20)\d{2}-?\d{6})$`},
		{"US", "NATIONAL", "US 98/012,357", `^(?:US ?)?(?P<num>\d{2}/\d{3},\d{3})$`},
		{"EP", "REGIONAL", "ep 16000312.7", `^(?:EP ?)?(?P<num>\d{8})(?:\.\d)?$`},
		{"JP", "INTERNATIONAL", "pct/jp2024/012345", ""},
		{"IB", "INTERNATIONAL", "PCT/WO2024/000001", ""},
		{"AT", "", "AT A 1/2019", ""},
		{"JP", "", "  JP  JP1 ", `^(?P<num>)$`},
		{"KR", "", "1'; DROP", ""},
		{"JP", "", strings.Repeat("9", 300), ""},
		{"US", "", "€", `^(?P<num>.*[0-9].*)$`},
	} {
		f.Add(s[0], s[1], s[2], s[3])
	}
	f.Fuzz(func(t *testing.T, office, category, raw, pattern string) {
		cat, err := ParseCategory(category)
		if err != nil {
			return
		}
		var pats []*regexp.Regexp
		if pattern != "" {
			if pats, err = CompilePatterns([]string{pattern}); err != nil {
				return
			}
		}
		strict, strictErr := NormaliseApplicationNumber(office, cat, raw, pats)
		cited, recognised, citedErr := NormaliseCitedNumber(office, cat, raw, pats)
		if citedErr != nil {
			checkRefusal(t, citedErr, errs.InvalidApplicationNumber)
			if strictErr == nil {
				t.Fatal("the strict rule accepted what the cited rule refused")
			}
			return
		}
		if !regexp.MustCompile(`^[A-Z0-9]{1,32}$`).MatchString(cited.Normalised) || cited.Raw != strings.TrimSpace(raw) {
			t.Fatalf("%q normalised to %+v", raw, cited)
		}
		// The strict rule accepts exactly the recognised numbers, with the same result.
		switch {
		case strictErr != nil:
			checkRefusal(t, strictErr, errs.InvalidApplicationNumber)
			if recognised {
				t.Fatalf("recognised but refused: %v", strictErr)
			}
		case !recognised || strict != cited:
			t.Fatalf("strict %+v, cited %+v recognised=%v", strict, cited, recognised)
		}
		// Normalising is stable for a number without office prefix or separators.
		if again, _, err := NormaliseCitedNumber(office, National, cited.Normalised, nil); cat != International &&
			!strings.HasPrefix(cited.Normalised, office) && (err != nil || again.Normalised != cited.Normalised) {
			t.Fatalf("%q renormalised to %+v: %v", cited.Normalised, again, err)
		}
	})
}

func FuzzNumberPatterns(f *testing.F) {
	for _, p := range []string{`^$`, `^\d*$`, `^(?P<num>\d{8})$`, `\d`, `^a|b$`, `(?m)^a$`, `^(?:a|b)$`, `^(`,
		`^\b$`, `^(?:)+$`, `^x{1000}$`, `^[^\x00-\x{10FFFF}]$`, "^a\x00$"} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, src string) {
		res, err := CheckNewPatterns([]string{src})
		if _, compileErr := CompilePatterns([]string{src}); compileErr != nil {
			checkRefusal(t, compileErr, errs.InvalidArgument)
			if err == nil {
				t.Fatal("accepted a pattern that does not compile")
			}
		}
		if err != nil {
			checkRefusal(t, err, errs.InvalidArgument)
			return
		}
		if len(res) != 1 || res[0].MatchString("") || !anchored(src) || len(src) > MaxPatternLen {
			t.Fatalf("accepted %q", src)
		}
	})
}

func FuzzScalarValidators(f *testing.F) {
	for _, s := range []string{"JP", "XX", "jp", "J", "PATENT", "patent", "NATIONAL", "", "DUE_CARE", "SUNDAY",
		"a@b.example", "@", "JPMSP", "-bad", strings.Repeat("ab", 40), "\u00e9\u0301", "a\x07b", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if err := ValidateOfficeCode(s); err == nil {
			if len(s) != 2 || s == UnknownOfficeCode || !isUpper(s[0]) || !isUpper(s[1]) {
				t.Fatalf("office code %q accepted", s)
			}
		} else {
			checkRefusal(t, err, errs.InvalidOfficeCode, errs.UnknownOffice)
		}
		if r, err := ParseIPRight(s); err == nil {
			if string(r) != s || r.Rank() >= len(AllIPRights) {
				t.Fatalf("IP right %q", s)
			}
		} else {
			checkRefusal(t, err, errs.InvalidArgument)
		}
		if c, err := ParseCategory(s); err == nil && s != "" && string(c) != s {
			t.Fatalf("category %q → %s", s, c)
		} else if err != nil {
			checkRefusal(t, err, errs.InvalidArgument)
		}
		if c, err := ParseCriterion(s); err == nil && string(c) != s {
			t.Fatalf("criterion %q → %s", s, c)
		} else if err != nil {
			checkRefusal(t, err, errs.InvalidArgument)
		}
		if w, err := ParseWeekday(s); err == nil && WeekdayName(w) != s {
			t.Fatalf("weekday %q → %s", s, w)
		} else if err != nil {
			checkRefusal(t, err, errs.InvalidArgument)
		}
		if err := CheckText("text", s, 1, 80); err == nil && (!ValidText(s, 1, 80) || strings.ContainsRune(s, '\n')) {
			t.Fatalf("text %q", s)
		} else if err != nil {
			checkRefusal(t, err, errs.InvalidArgument)
		}
		if h, err := CheckSHA256("hash", s); err == nil && (len(h) != 64 || h != strings.ToLower(s)) {
			t.Fatalf("digest %q → %q", s, h)
		} else if err != nil {
			checkRefusal(t, err, errs.InvalidArgument)
		}
		if err := CheckEmail("email", s); err == nil && s != "" && strings.Count(s, "@") != 1 {
			t.Fatalf("e-mail %q", s)
		} else if err != nil {
			checkRefusal(t, err, errs.InvalidArgument)
		}
		if err := CheckMSPID(s); err == nil && (len(s) > 64 || s == "") {
			t.Fatalf("MSP ID %q", s)
		} else if err != nil {
			checkRefusal(t, err, errs.InvalidArgument)
		}
		if got := clip(s); len(got) > 40+len("…") {
			t.Fatalf("clip kept %d bytes", len(got))
		}
		_ = NotInFuture(DateOf(time.Unix(int64(len(s))*86400, 0)), MinDate, "date")
	})
}
