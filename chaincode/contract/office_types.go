package contract

import (
	"regexp"

	"github.com/ipledger/ipledger/chaincode/errs"
	"github.com/ipledger/ipledger/chaincode/priority"
)

// Office statuses.
const (
	statusActive    = "ACTIVE"
	statusSuspended = "SUSPENDED"
)

// Roles are the DAS notifications of an office per IP right (depositing =
// office of first filing, accessing = office of second filing).
type Roles struct {
	Depositing []string `json:"depositing"`
	Accessing  []string `json:"accessing"`
}

// CalendarSpec is an office's filing calendar (Paris Art. 4C(3)).
type CalendarSpec struct {
	ClosedWeekdays []string `json:"closedWeekdays"`
	ClosedDates    []string `json:"closedDates"`
}

// NumberPatterns are an office's application-number regexes for one IP right.
type NumberPatterns struct {
	IPRight  string   `json:"ipRight"`
	Patterns []string `json:"patterns"`
}

// RestorationRule says whether and on which criteria an office restores the
// right of priority for later applications of one IP right.
type RestorationRule struct {
	IPRight  string   `json:"ipRight"`
	Allowed  bool     `json:"allowed"`
	Criteria []string `json:"criteria"`
}

// officeRecord is the registry entry; only governance changes it.
type officeRecord struct {
	OfficeCode string `json:"officeCode"`
	MSPID      string `json:"mspId"`
	Name       string `json:"name"`
	Status     string `json:"status"`
	Roles      Roles  `json:"roles"`
	CreatedAt  string `json:"createdAt"`
	UpdatedAt  string `json:"updatedAt"`
}

// settingsRecord is what an office maintains itself (SBE = the office).
type settingsRecord struct {
	OfficeCode                string            `json:"officeCode"`
	Calendar                  CalendarSpec      `json:"calendar"`
	ApplicationNumberPatterns []NumberPatterns  `json:"applicationNumberPatterns"`
	RestorationPolicy         []RestorationRule `json:"restorationPolicy"`
	SettingsVersion           int               `json:"settingsVersion"`
	SettingsUpdatedAt         string            `json:"settingsUpdatedAt"`
}

// Office is the combined view returned to clients.
type Office struct {
	OfficeCode                string            `json:"officeCode"`
	MSPID                     string            `json:"mspId"`
	Name                      string            `json:"name"`
	Status                    string            `json:"status"`
	Roles                     Roles             `json:"roles"`
	Calendar                  CalendarSpec      `json:"calendar"`
	ApplicationNumberPatterns []NumberPatterns  `json:"applicationNumberPatterns"`
	RestorationPolicy         []RestorationRule `json:"restorationPolicy"`
	CreatedAt                 string            `json:"createdAt"`
	UpdatedAt                 string            `json:"updatedAt"`
	SettingsVersion           int               `json:"settingsVersion"`
	SettingsUpdatedAt         string            `json:"settingsUpdatedAt"`
}

func officeView(o officeRecord, s settingsRecord) Office {
	return Office{
		OfficeCode: o.OfficeCode, MSPID: o.MSPID, Name: o.Name, Status: o.Status, Roles: o.Roles,
		Calendar: s.Calendar, ApplicationNumberPatterns: s.ApplicationNumberPatterns, RestorationPolicy: s.RestorationPolicy,
		CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt, SettingsVersion: s.SettingsVersion, SettingsUpdatedAt: s.SettingsUpdatedAt,
	}
}

func (o officeRecord) hasRole(roles []string, r priority.IPRight) bool {
	for _, x := range roles {
		if x == string(r) {
			return true
		}
	}
	return false
}

func (o officeRecord) canDeposit(r priority.IPRight) bool { return o.hasRole(o.Roles.Depositing, r) }
func (o officeRecord) canAccess(r priority.IPRight) bool  { return o.hasRole(o.Roles.Accessing, r) }

// canonicalRoles validates roles and sorts them.
func canonicalRoles(in Roles) (Roles, error) {
	dep, err := priority.CanonicalIPRights(in.Depositing)
	if err != nil {
		return Roles{}, err
	}
	acc, err := priority.CanonicalIPRights(in.Accessing)
	if err != nil {
		return Roles{}, err
	}
	return Roles{Depositing: toStrings(dep), Accessing: toStrings(acc)}, nil
}

// settingsInput is what an office may change about itself.
type settingsInput struct {
	Calendar                  *CalendarSpec     `json:"calendar"`
	ApplicationNumberPatterns []NumberPatterns  `json:"applicationNumberPatterns"`
	RestorationPolicy         []RestorationRule `json:"restorationPolicy"`
}

// canonicalSettings validates settings and renders them canonically; nil
// parts take the defaults of a new office.
func canonicalSettings(code string, cal *CalendarSpec, patterns []NumberPatterns, restoration []RestorationRule) (settingsRecord, error) {
	out := settingsRecord{OfficeCode: code}
	spec := CalendarSpec{ClosedWeekdays: priority.DefaultClosedWeekdays()}
	if cal != nil {
		spec = *cal
	}
	c, err := priority.NewCalendar(spec.ClosedWeekdays, spec.ClosedDates)
	if err != nil {
		return settingsRecord{}, err
	}
	out.Calendar = CalendarSpec{ClosedWeekdays: c.ClosedWeekdays(), ClosedDates: c.ClosedDates()}

	byRight := map[priority.IPRight][]string{}
	for _, p := range patterns {
		r, err := priority.ParseIPRight(p.IPRight)
		if err != nil {
			return settingsRecord{}, err
		}
		if _, dup := byRight[r]; dup {
			return settingsRecord{}, errs.New(errs.InvalidArgument, "number patterns for %s are listed twice", r)
		}
		if _, err := priority.CheckNewPatterns(p.Patterns); err != nil {
			return settingsRecord{}, err
		}
		byRight[r] = p.Patterns
	}
	out.ApplicationNumberPatterns = []NumberPatterns{}
	for _, r := range priority.AllIPRights {
		if ps, ok := byRight[r]; ok {
			out.ApplicationNumberPatterns = append(out.ApplicationNumberPatterns, NumberPatterns{IPRight: string(r), Patterns: ps})
		}
	}

	rules := map[priority.IPRight]RestorationRule{}
	for _, rr := range restoration {
		r, err := priority.ParseIPRight(rr.IPRight)
		if err != nil {
			return settingsRecord{}, err
		}
		if _, dup := rules[r]; dup {
			return settingsRecord{}, errs.New(errs.InvalidArgument, "restoration policy for %s is listed twice", r)
		}
		crit, err := priority.CanonicalCriteria(rr.Criteria)
		if err != nil {
			return settingsRecord{}, err
		}
		if rr.Allowed != (len(crit) > 0) {
			return settingsRecord{}, errs.New(errs.InvalidArgument,
				"restoration policy for %s: criteria are required exactly when restoration is allowed", r)
		}
		rules[r] = RestorationRule{IPRight: string(r), Allowed: rr.Allowed, Criteria: toStrings(crit)}
	}
	out.RestorationPolicy = make([]RestorationRule, 0, len(priority.AllIPRights))
	for _, r := range priority.AllIPRights {
		rule, ok := rules[r]
		if !ok {
			allowed, crit := priority.DefaultRestoration(r)
			rule = RestorationRule{IPRight: string(r), Allowed: allowed, Criteria: toStrings(crit)}
		}
		out.RestorationPolicy = append(out.RestorationPolicy, rule)
	}
	return out, nil
}

// calendar rebuilds the domain calendar from stored (already valid) settings.
func (s settingsRecord) calendar() (priority.Calendar, error) {
	c, err := priority.NewCalendar(s.Calendar.ClosedWeekdays, s.Calendar.ClosedDates)
	if err != nil {
		return priority.Calendar{}, errs.Internalf("stored calendar of %s is invalid: %v", s.OfficeCode, err)
	}
	return c, nil
}

// patterns returns the compiled number patterns for an IP right (nil if none).
func (s settingsRecord) patterns(r priority.IPRight) ([]*regexp.Regexp, error) {
	for _, p := range s.ApplicationNumberPatterns {
		if p.IPRight == string(r) {
			re, err := priority.CompilePatterns(p.Patterns)
			if err != nil {
				return nil, errs.Internalf("stored patterns of %s are invalid: %v", s.OfficeCode, err)
			}
			return re, nil
		}
	}
	return nil, nil
}

// restoration returns the office's rule for later applications of right r.
func (s settingsRecord) restoration(r priority.IPRight) RestorationRule {
	for _, rr := range s.RestorationPolicy {
		if rr.IPRight == string(r) {
			return rr
		}
	}
	return RestorationRule{IPRight: string(r), Criteria: []string{}}
}
