# Creates the Frappe site $SITE_NAME on a database and user that already exist (made by
# mariadb-operator, or over SQL by the operator for an external server): `bench new-site
# --no-setup-db` only bootstraps the tables and installs the apps. Every value comes from the
# environment (SITE_NAME, DB_NAME, DB_HOST, DB_PORT, DB_USER, DB_PASSWORD, ADMIN_PASSWORD,
# INSTALL_APPS space-separated); nothing is written into this text, so it is the same for every
# site. Runs in the bench directory, with the bench's sites volume at ./sites.
set -eu

: "${SITE_NAME:?}" "${DB_NAME:?}" "${DB_HOST:?}" "${DB_USER:?}"
DB_PORT="${DB_PORT:-3306}" # an external server's connection Secret may leave the port out
: "${DB_PASSWORD:?}" "${ADMIN_PASSWORD:?}"
INSTALL_APPS="${INSTALL_APPS:-}"

case "$SITE_NAME" in
  '' | . | .. | */* | -*)
    echo "new-site: refusing site name '$SITE_NAME'" >&2
    exit 2
    ;;
esac

# An existing site is success: the Job runs again when its TTL removed it, and a site restored or
# moved here from elsewhere must never be created over.
if [ -f "sites/$SITE_NAME/site_config.json" ]; then
  echo "new-site: site $SITE_NAME exists; nothing to do"
  exit 0
fi

made_dir=yes
if [ -e "sites/$SITE_NAME" ]; then made_dir=no; fi

set -f # app names are words, never file patterns
set -- new-site "$SITE_NAME" --no-setup-db --db-type mariadb \
  --db-name "$DB_NAME" --db-host "$DB_HOST" --db-port "$DB_PORT" \
  --db-password "$DB_PASSWORD" --admin-password "$ADMIN_PASSWORD"
for app in $INSTALL_APPS; do
  set -- "$@" --install-app "$app"
done
set +f

if ! bench "$@"; then
  # A half-made site would pass the existence check on the next try: remove what this run made.
  if [ "$made_dir" = yes ]; then rm -rf -- "sites/$SITE_NAME"; fi
  echo "new-site: bench new-site failed" >&2
  exit 1
fi

# new-site writes db_name, db_password, db_host and db_port itself; state them all explicitly,
# db_user included (Frappe 16 reads it; 14 and 15 connect as db_name, which it equals).
bench --site "$SITE_NAME" set-config db_name "$DB_NAME"
bench --site "$SITE_NAME" set-config db_user "$DB_USER"
bench --site "$SITE_NAME" set-config db_password "$DB_PASSWORD"
bench --site "$SITE_NAME" set-config db_host "$DB_HOST"
bench --site "$SITE_NAME" set-config -p db_port "$DB_PORT"
echo "new-site: site $SITE_NAME created"
