#!/bin/bash
# asg-wizard: the Immersion Day lab's web server, baked into the image "Web Server v1".
# Amazon Linux 2023 (dnf). Replace this file with --user-data FILE. asg-wizard adds its own
# completion signal to whatever runs (this script's exit status, on the console and at
# /asg-wizard-done.txt on port 80): the image is made once it has run and succeeded.
set -euo pipefail
say() { echo "asg-wizard: $*" > /dev/console; echo "asg-wizard: $*"; }

# Install a LAMP stack (the lab's packages; the MariaDB client for the database lab).
say "installing httpd, PHP and the MariaDB client"
dnf install -y httpd wget unzip php-fpm php-mysqli php-json php php-devel php-mbstring mariadb105

# The page at /: which instance and Availability Zone answered, read through IMDSv2.
install -d -m 0755 /usr/share/asg-wizard
cat > /usr/share/asg-wizard/imds.php <<'PHP'
<?php
// IMDSv2: a session token first (PUT), then each value with it (GET). Instances launched from
// this image require tokens (HttpTokens=required), so IMDSv1 would get 401.
function imds_token(): string {
    $ctx = stream_context_create(['http' => [
        'method' => 'PUT',
        'header' => "X-aws-ec2-metadata-token-ttl-seconds: 60\r\n",
        'timeout' => 2,
    ]]);
    return (string) @file_get_contents('http://169.254.169.254/latest/api/token', false, $ctx);
}
function imds(string $path, string $token): string {
    $ctx = stream_context_create(['http' => [
        'method' => 'GET',
        'header' => "X-aws-ec2-metadata-token: $token\r\n",
        'timeout' => 2,
    ]]);
    $v = @file_get_contents("http://169.254.169.254/latest/meta-data/$path", false, $ctx);
    return $v === false ? 'unknown' : $v;
}
PHP
cat > /var/www/html/index.php <<'PHP'
<?php
require '/usr/share/asg-wizard/imds.php';
$token = imds_token();
$id = htmlspecialchars(imds('instance-id', $token));
$az = htmlspecialchars(imds('placement/availability-zone', $token));
header('Cache-Control: no-store');
?>
<html><head><title>asg-wizard</title></head><body>
<h1>asg-wizard</h1>
<p>Instance: <?= $id ?></p>
<p>Availability Zone: <?= $az ?></p>
</body></html>
PHP

# /load?seconds=N keeps every vCPU busy for N seconds (1-3600), to see the group scale out. Only
# for the caller with this stack's load token (asg-wizard load): the launch template's user data
# writes it to /etc/asg-wizard/load-token at boot; without it /load refuses everyone.
cat > /var/www/html/load.php <<'PHP'
<?php
require '/usr/share/asg-wizard/imds.php';
header('Content-Type: text/plain');
header('Cache-Control: no-store');
$known = trim((string) @file_get_contents('/etc/asg-wizard/load-token'));
$given = (string) ($_SERVER['HTTP_X_ASG_WIZARD_LOAD_TOKEN'] ?? '');
if ($known === '' || !hash_equals($known, $given)) {
    http_response_code(403);
    echo "load is closed: only asg-wizard load, with this stack's token, may load this instance\n";
    exit;
}
$raw = $_GET['seconds'] ?? '60';
if (!preg_match('/^\d+$/', $raw) || (int) $raw < 1 || (int) $raw > 3600) {
    http_response_code(400);
    echo "seconds must be a whole number from 1 to 3600\n";
    exit;
}
$seconds = (int) $raw;
$id = imds('instance-id', imds_token());
// Busy loops in the background, one per vCPU: the answer comes at once, so the load
// balancer's idle timeout never cuts the request, and the whole instance is loaded.
shell_exec("for i in \$(seq \$(nproc)); do timeout $seconds sh -c 'while :; do :; done' >/dev/null 2>&1 & done");
echo "burning CPU for $seconds s on $id\n";
PHP
cat > /etc/httpd/conf.d/asg-wizard.conf <<'CONF'
# /load?seconds=N runs load.php (the query string goes along).
AliasMatch "^/load$" "/var/www/html/load.php"
CONF

# Install the AWS SDK for PHP (the lab's database part uses it); a failed download is not fatal.
if [ ! -f /var/www/html/vendor/aws-autoloader.php ]; then
  mkdir -p /var/www/html/vendor
  if wget -q -O /tmp/aws.zip https://docs.aws.amazon.com/aws-sdk-php/v3/download/aws.zip; then
    unzip -q -o /tmp/aws.zip -d /var/www/html/vendor && rm -f /tmp/aws.zip
  else
    say "the AWS SDK for PHP could not be downloaded; going on without it"
  fi
fi

# Update existing packages (as the lab does), then start the web server on every boot.
say "updating packages"
dnf update -y
systemctl enable --now php-fpm httpd

# Done for real only when the page answers here (else this script fails, and so does the bake).
for _ in $(seq 1 30); do curl -fsS -o /dev/null http://localhost/ && break; sleep 2; done
curl -fsS -o /dev/null http://localhost/
say "the web server answers"
