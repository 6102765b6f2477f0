// Package dolibarr is the client of Dolibarr's REST API (module "API REST",
// Restler): members ("adhérents") and staff users with their groups: the
// DOLAPIKEY header, Restler error bodies, numbers that arrive as strings,
// dates as Unix seconds.
//
// Lists are read with the largest page size, one page after the other, with
// pagination_data=true. /members on v20+ answers the total with it, which
// ends the read; /users and /users/groups take no such parameter (Users::index
// and Users::listGroups, Dolibarr/dolibarr develop
// htdocs/user/class/api_users.class.php) and answer a bare array, as every
// list of older versions does: the read ends at a page shorter than limit,
// at 200 [] (v19+, Dolibarr/dolibarr#27261) or at 404 "Not Found: No … found"
// (v14–v18). paging.Read caps pages and items.
//
// E-mail look-ups: sqlfilters become SQL in forgeSQLFromUniversalSearchCriteria
// (htdocs/core/lib/functions.lib.php), (t.email:=:'x') a plain t.email = 'x'
// whose outcome is the database's collation: MariaDB's usual
// utf8mb4_unicode_ci ignores case and trailing blanks, never leading ones,
// and compares é and e+U+0301 as different lengths; PostgreSQL ignores
// nothing. Addresses typed by hand carry all of these, so AdherentsByEmail
// asks a like pattern with "%" around and for every character it cannot
// carry, and matches here with bot.SameEmail (trimmed, lower-cased, NFC).
// On PostgreSQL a stored capital still escapes the pattern (LIKE is case
// sensitive there); the coherence sweep joins whole lists
// (coherence.NormalizeEmail) and does not depend on it, /coherence member
// and /doli member by address do.
package dolibarr
