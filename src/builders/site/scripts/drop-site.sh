# Removes the files of the site $SITE_NAME (from the environment) from the bench's sites volume,
# run when a FrappeSite with deletionPolicy Delete is deleted.
#
# Not `bench drop-site`, which API.md names: that command connects as the database root to drop
# the database and user, and the root credentials of a shared MariaDB must never be mounted into a
# pod in a tenant's namespace. The database, user and grant are dropped by mariadb-operator
# instead (cleanupPolicy Delete on the Database, User and Grant objects; the operator itself over
# SQL for an external server), so this Job has only the files left to remove.
#
# Idempotent: an absent site directory is success.
set -eu

SITE_NAME="${SITE_NAME-}"
case "$SITE_NAME" in
  '' | . | .. | */* | -* | assets | *[!A-Za-z0-9._-]*)
    echo "drop-site: refusing site name '$SITE_NAME'" >&2
    exit 2
    ;;
esac

dir="sites/$SITE_NAME"
if [ -L "$dir" ]; then
  echo "drop-site: $dir is a symbolic link; refusing to follow it" >&2
  exit 2
fi
if [ ! -e "$dir" ]; then
  echo "drop-site: $dir is absent; nothing to do"
  exit 0
fi
if [ ! -d "$dir" ]; then
  echo "drop-site: $dir is not a directory; refusing" >&2
  exit 2
fi
rm -rf -- "$dir"
echo "drop-site: removed $dir"
