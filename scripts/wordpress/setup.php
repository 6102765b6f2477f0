<?php
// Installs and seeds the test WordPress of scripts/wordpress-up.sh.
//
//   php setup.php install URL ADMIN_PASSWORD   creates the tables and the admin once, sets pretty permalinks
//   php setup.php seed URL ADMIN_PASSWORD      users with their roles (reset on every run), one
//                                              application password for admin and one for the
//                                              editor; prints the facts as shell assignments
//
// Every step is idempotent: a second run resets the seed users' roles and
// names, sets the admin's login password again and replaces the two
// application passwords named opsbot-test.
if ($argc < 4) {
    fwrite(STDERR, "usage: php setup.php install|seed URL ADMIN_PASSWORD\n");
    exit(2);
}
[$_, $step, $url, $adminPassword] = $argv;
$u = parse_url($url);
$_SERVER['HTTP_HOST'] = $u['host'] . (isset($u['port']) ? ':' . $u['port'] : '');
$_SERVER['SERVER_NAME'] = $u['host'];
$_SERVER['SERVER_PORT'] = $u['port'] ?? 80;
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['REQUEST_METHOD'] = 'GET';

if ($step === 'install') {
    define('WP_INSTALLING', true); // else wp-load redirects to install.php
}
require '/usr/share/wordpress/wp-load.php';

function fail(string $msg): never {
    fwrite(STDERR, "setup.php: $msg\n");
    exit(1);
}

// No mail leaves this site (the installer would mail the administrator,
// and the test machine has no sendmail).
add_filter('pre_wp_mail', '__return_false');

if ($step === 'install') {
    require_once ABSPATH . 'wp-admin/includes/upgrade.php';
    if (!is_blog_installed()) {
        $r = wp_install('opsbot test site', 'admin', 'admin@example.test', false, '', $adminPassword);
        if (empty($r['user_id'])) {
            fail('wp_install gave no user');
        }
        fwrite(STDERR, "setup.php: installed WordPress " . get_bloginfo('version') . "\n");
    }
    global $wp_rewrite;
    $wp_rewrite->set_permalink_structure('/%postname%/');
    $wp_rewrite->flush_rules(false);
    exit(0);
}

if ($step !== 'seed') {
    fail("unknown step $step");
}
if (!is_blog_installed()) {
    fail('WordPress is not installed: run the install step first');
}
if (!wp_is_application_passwords_available()) {
    fail('application passwords are not available: WP_ENVIRONMENT_TYPE must be local over plain HTTP');
}

$admin = get_user_by('login', 'admin') ?: fail('no admin user');
wp_set_password($adminPassword, $admin->ID);

// The seed: the recorded site's five users, a login with a space, an
// address with a %XX (which a search cannot find), then 110 members so that
// lists span two pages of 100, one of them in a plugin's role. Roles are
// reset on every run, so a test that died between a role change and its
// restore is repaired here.
add_role('membre_actif', 'Membre actif', ['read' => true, 'level_0' => true]); // as a members plugin does
$seed = [
    ['eve.editor', 'Eve', 'Editor', 'editor'],
    ['arthur.author', 'Arthur', 'Author', 'author'],
    ['carl.contributor', 'Carl', 'Contributor', 'contributor'],
    ['sam.subscriber', 'Sam', 'Subscriber', 'subscriber'],
    ['zoe.durand', 'Zoé', 'Durand', 'subscriber'],
    ['jean dupont', 'Jean', 'Dupont', 'subscriber', 'jean.dupont@example.test'],
    ['anne.b', 'Anne', 'B', 'subscriber', 'anne%41b@example.test'],
];
$first = ['Jeanne', 'Pierre', 'Marie', 'Louis', 'Claire', 'Henri', 'Odile', 'Marcel'];
$last = ['Martin', 'Bernard', 'Petit', 'Moreau'];
for ($i = 1; $i <= 110; $i++) {
    $f = $first[($i - 1) % count($first)];
    $l = $last[intdiv($i - 1, count($first)) % count($last)];
    $role = $i === 23 ? 'membre_actif' : ($i % 6 === 0 ? 'author' : ($i % 8 === 0 ? 'editor' : 'subscriber'));
    $seed[] = [sprintf('membre%02d', $i), $f, $l, $role];
}
foreach ($seed as $row) {
    [$login, $f, $l, $role] = $row;
    $fields = [
        'user_login' => $login,
        'user_email' => $row[4] ?? $login . '@example.test',
        'first_name' => $f,
        'last_name' => $l,
        'display_name' => "$f $l",
        'nickname' => $login,
        'role' => $role,
    ];
    $user = get_user_by('login', $login);
    if ($user) {
        $fields['ID'] = $user->ID;
        $id = wp_update_user($fields);
    } else {
        $fields['user_pass'] = wp_generate_password(24);
        $id = wp_insert_user($fields);
    }
    if (is_wp_error($id)) {
        fail("user $login: " . $id->get_error_message());
    }
    (new WP_User($id))->set_role($role); // drops any extra role a test added
}

// Users a test created and failed to delete go away.
foreach (get_users(['fields' => ['ID', 'user_login']]) as $u) {
    $keep = $u->user_login === 'admin' || in_array($u->user_login, array_column($seed, 0), true);
    if (!$keep) {
        require_once ABSPATH . 'wp-admin/includes/user.php';
        wp_delete_user($u->ID, $admin->ID);
    }
}

// One application password per user we hand out, replaced on every run.
function app_password(WP_User $user): string {
    foreach (WP_Application_Passwords::get_user_application_passwords($user->ID) as $item) {
        if ($item['name'] === 'opsbot-test') {
            WP_Application_Passwords::delete_application_password($user->ID, $item['uuid']);
        }
    }
    $r = WP_Application_Passwords::create_new_application_password($user->ID, ['name' => 'opsbot-test']);
    if (is_wp_error($r)) {
        fail('application password for ' . $user->user_login . ': ' . $r->get_error_message());
    }
    return WP_Application_Passwords::chunk_password($r[0]); // as the profile page shows it
}

$editor = get_user_by('login', 'eve.editor') ?: fail('no editor user');
$facts = [
    'OPSBOT_WP_URL' => $url,
    'OPSBOT_WP_USER' => 'admin',
    'OPSBOT_WP_APP_PASSWORD' => app_password($admin),
    'OPSBOT_WP_LOGIN_PASSWORD' => $adminPassword,
    'OPSBOT_WP_EDITOR_USER' => 'eve.editor',
    'OPSBOT_WP_EDITOR_APP_PASSWORD' => app_password($editor),
    'OPSBOT_WP_VERSION' => get_bloginfo('version'),
];
foreach ($facts as $k => $v) {
    echo $k, "='", str_replace("'", "'\\''", $v), "'\n";
}
