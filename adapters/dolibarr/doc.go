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
package dolibarr
