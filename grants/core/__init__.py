"""Small shared pieces every domain uses: money, time, database, auth, audit, i18n."""
