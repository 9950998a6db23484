package priority

import (
	"testing"
	"time"

	"github.com/ipledger/ipledger/chaincode/errs"
)

func TestParseDate(t *testing.T) {
	tests := map[string]struct {
		in   string
		code errs.Code
	}{
		"an ordinary date parses":                  {in: "2024-03-15"},
		"a leap day in a leap year parses":         {in: "2024-02-29"},
		"the earliest accepted date parses":        {in: "1900-01-01"},
		"the latest accepted date parses":          {in: "9999-12-31"},
		"a leap day in a common year is rejected":  {in: "2025-02-29", code: errs.InvalidDate},
		"the thirtieth of February is rejected":    {in: "2025-02-30", code: errs.InvalidDate},
		"month thirteen is rejected":               {in: "2025-13-01", code: errs.InvalidDate},
		"day zero is rejected":                     {in: "2025-01-00", code: errs.InvalidDate},
		"slashes instead of dashes are rejected":   {in: "2025/03/01", code: errs.InvalidDate},
		"a missing leading zero is rejected":       {in: "2025-3-01", code: errs.InvalidDate},
		"a timestamp is rejected":                  {in: "2025-03-01T00:00:00Z", code: errs.InvalidDate},
		"an empty string is rejected":              {in: "", code: errs.InvalidDate},
		"a date before 1900 is rejected":           {in: "1899-12-31", code: errs.InvalidDate},
		"a non-digit in the year is rejected":      {in: "20x4-01-01", code: errs.InvalidDate},
		"1900 is not a leap year in the Gregorian": {in: "1900-02-29", code: errs.InvalidDate},
		"2000 is a leap year in the Gregorian":     {in: "2000-02-29"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			d, err := ParseDate(tc.in)
			if got := errs.CodeOf(err); got != tc.code {
				t.Fatalf("ParseDate(%q) code = %q, want %q (err %v)", tc.in, got, tc.code, err)
			}
			if err == nil && d.String() != tc.in {
				t.Fatalf("round trip = %s, want %s", d, tc.in)
			}
		})
	}
}

func TestAddMonthsFollowsPCTRule80(t *testing.T) {
	tests := map[string]struct {
		from   string
		months int
		want   string
	}{
		"same day number twelve months later":            {"2024-03-15", 12, "2025-03-15"},
		"a leap day ends on the last day of February":    {"2024-02-29", 12, "2025-02-28"},
		"the 31st ends on the last day of a short month": {"2023-08-31", 6, "2024-02-29"},
		"the 31st ends on 28 February in a common year":  {"2025-08-31", 6, "2026-02-28"},
		"the 31st ends on the 30th of a 30-day month":    {"2025-01-31", 2, "2025-03-31"},
		"the 31st of December plus two months":           {"2024-12-31", 2, "2025-02-28"},
		"the period crosses a year boundary":             {"2024-11-30", 6, "2025-05-30"},
		"zero months leaves the date unchanged":          {"2024-05-10", 0, "2024-05-10"},
		"the 30th stays the 30th when the month has it":  {"2024-04-30", 12, "2025-04-30"},
		"the 29th of January lands on 28 February":       {"2025-01-29", 1, "2025-02-28"},
		"a leap day plus 48 months stays the leap day":   {"2024-02-29", 48, "2028-02-29"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			d, err := ParseDate(tc.from)
			if err != nil {
				t.Fatal(err)
			}
			if got := d.AddMonths(tc.months).String(); got != tc.want {
				t.Fatalf("%s + %d months = %s, want %s", tc.from, tc.months, got, tc.want)
			}
		})
	}
}

func TestNotInFutureAllowsOneDayForTimeZones(t *testing.T) {
	today := DateOf(time.Date(2025, 3, 17, 23, 30, 0, 0, time.UTC))
	tests := map[string]struct {
		in   string
		code errs.Code
	}{
		"today is accepted":             {in: "2025-03-17"},
		"tomorrow is accepted (UTC+9)":  {in: "2025-03-18"},
		"the day after tomorrow is not": {in: "2025-03-19", code: errs.FutureDate},
		"a past date is accepted":       {in: "2020-01-01"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			d, _ := ParseDate(tc.in)
			if got := errs.CodeOf(NotInFuture(d, today, "filing date")); got != tc.code {
				t.Fatalf("code = %q, want %q", got, tc.code)
			}
		})
	}
}

func TestDateOfUsesUTC(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	ts := time.Date(2025, 3, 18, 1, 0, 0, 0, tokyo) // 2025-03-17 16:00 UTC
	if got := DateOf(ts).String(); got != "2025-03-17" {
		t.Fatalf("DateOf = %s, want 2025-03-17", got)
	}
}
