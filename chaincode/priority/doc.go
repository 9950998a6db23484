// Package priority holds the pure domain rules of the priority-data exchange:
// legal-date arithmetic (PCT R80), office calendars (Paris Convention Art. 4C(3)),
// priority periods and restoration (Art. 4C(1), 4E, PCT R26bis.3), IP-right
// compatibility, ST.3 office codes, application-number normalisation and input
// validation. It has no Fabric dependency so every rule is unit-testable.
package priority
