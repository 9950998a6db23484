package priority

import (
	"slices"
	"testing"

	"github.com/ipledger/ipledger/chaincode/errs"
)

func mustDate(t *testing.T, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatalf("ParseDate(%q): %v", s, err)
	}
	return d
}

func mustCalendar(t *testing.T, weekdays, dates []string) Calendar {
	t.Helper()
	c, err := NewCalendar(weekdays, dates)
	if err != nil {
		t.Fatalf("NewCalendar: %v", err)
	}
	return c
}

func TestNewCalendarValidation(t *testing.T) {
	tests := map[string]struct {
		weekdays []string
		dates    []string
		code     errs.Code
	}{
		"weekends closed is valid":          {weekdays: []string{"SATURDAY", "SUNDAY"}},
		"no closed day at all is valid":     {},
		"six closed weekdays is valid":      {weekdays: []string{"MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"}},
		"seven closed weekdays is rejected": {weekdays: []string{"MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"}, code: errs.InvalidArgument},
		"a lower-case weekday is rejected":  {weekdays: []string{"saturday"}, code: errs.InvalidArgument},
		"a duplicated weekday is rejected":  {weekdays: []string{"SUNDAY", "SUNDAY"}, code: errs.InvalidArgument},
		"a duplicated closure is rejected":  {dates: []string{"2025-01-01", "2025-01-01"}, code: errs.InvalidArgument},
		"an impossible closure is rejected": {dates: []string{"2025-02-30"}, code: errs.InvalidDate},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := NewCalendar(tc.weekdays, tc.dates)
			if got := errs.CodeOf(err); got != tc.code {
				t.Fatalf("code = %q, want %q (%v)", got, tc.code, err)
			}
		})
	}
}

func TestTooManyClosureDatesAreRejected(t *testing.T) {
	dates := []string{}
	d := NewDate(2000, 1, 1)
	for range MaxClosedDates + 1 {
		dates = append(dates, d.String())
		d = d.AddDays(1)
	}
	if _, err := NewCalendar(nil, dates); !errs.Is(err, errs.InvalidArgument) {
		t.Fatalf("err = %v, want INVALID_ARGUMENT", err)
	}
}

func TestCalendarCanonicalOutput(t *testing.T) {
	c := mustCalendar(t, []string{"SUNDAY", "SATURDAY"}, []string{"2025-12-25", "2025-01-01"})
	if got := c.ClosedWeekdays(); !slices.Equal(got, []string{"SATURDAY", "SUNDAY"}) {
		t.Errorf("ClosedWeekdays = %v", got)
	}
	if got := c.ClosedDates(); !slices.Equal(got, []string{"2025-01-01", "2025-12-25"}) {
		t.Errorf("ClosedDates = %v", got)
	}
}

func TestNextWorkingDay(t *testing.T) {
	weekend := []string{"SATURDAY", "SUNDAY"}
	tests := map[string]struct {
		closures []string
		from     string
		want     string
	}{
		"a working day is kept":                         {from: "2025-03-14", want: "2025-03-14"},
		"a Saturday moves to Monday":                    {from: "2025-03-15", want: "2025-03-17"},
		"a Sunday moves to Monday":                      {from: "2025-03-16", want: "2025-03-17"},
		"a closure date on a weekday moves a day":       {closures: []string{"2025-03-14"}, from: "2025-03-14", want: "2025-03-17"},
		"a Saturday before a closed Monday goes to Tue": {closures: []string{"2025-06-30"}, from: "2025-06-28", want: "2025-07-01"},
		"a chain of closures is followed":               {closures: []string{"2025-12-29", "2025-12-30", "2025-12-31", "2026-01-01", "2026-01-02"}, from: "2025-12-27", want: "2026-01-05"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c := mustCalendar(t, weekend, tc.closures)
			if got := c.NextWorkingDay(mustDate(t, tc.from)).String(); got != tc.want {
				t.Fatalf("NextWorkingDay(%s) = %s, want %s", tc.from, got, tc.want)
			}
		})
	}
}
