<?php
// Router for PHP's built-in server in front of Debian's WordPress
// (/usr/share/wordpress): existing files are served as they are, every other
// path goes to index.php, as Apache's rewrite rules would send it, so that
// pretty permalinks (/wp-json/wp/v2/users) and ?rest_route= both work.
$root = $_SERVER['DOCUMENT_ROOT'];
$path = rawurldecode(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH) ?? '/');
if ($path !== '/' && is_file($root . $path)) {
    return false;
}
if (is_dir($root . $path) && is_file(rtrim($root . $path, '/') . '/index.php')) {
    return false;
}
$_SERVER['SCRIPT_NAME'] = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $root . '/index.php';
$_SERVER['PHP_SELF'] = '/index.php';
chdir($root);
require $root . '/index.php';
