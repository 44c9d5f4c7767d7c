"""The embedded local runtime: moto on loopback, the same handlers driven like Lambda, a dev
JWT issuer, the API and the web app on one port. Not shipped in the Lambda layer."""
