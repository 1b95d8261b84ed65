"""The ``pipedrive-tui`` command: parse arguments, load settings, build the client, run the app.

With no token configured (or with ``--demo``) the app opens the embedded demo account.
``pipedrive-tui demo-server --port N`` serves that account over loopback HTTP instead;
``pipedrive-tui doctor`` checks the settings and the account, ``pipedrive-tui config path`` says
where the config, cache and state live, ``pipedrive-tui serve`` runs the app in a web browser.
Heavy modules (Textual, the demo generator) are imported only when they are needed.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pipedrive_tui import __version__, locations

if TYPE_CHECKING:
    from pipedrive_tui.config import Settings
    from pipedrive_tui.data.session import AccountSession

__all__ = ["build_parser", "build_session", "main"]

#: Where the demo account pretends to live; nothing is ever sent there.
DEMO_BASE_URL = "https://demo.pipedrive-tui.invalid"
DEMO_TOKEN = "demo"


def build_parser() -> argparse.ArgumentParser:
    """The command line: the app's options, and the ``demo-server``, ``doctor``, ``config`` and
    ``serve`` subcommands."""
    parser = argparse.ArgumentParser(
        prog="pipedrive-tui",
        description="A fast, keyboard-driven terminal client for the Pipedrive CRM. With no "
        "token configured it opens a demo account.",
        epilog="Connect your account: export PIPEDRIVE_API_TOKEN=… and "
        "PIPEDRIVE_COMPANY_DOMAIN=yourcompany (or put them in "
        f"{locations.config_file()}).",
    )
    parser.add_argument("--version", action="version", version=f"pipedrive-tui {__version__}")
    parser.add_argument("--demo", action="store_true", default=None, help="open the demo account")
    parser.add_argument("--demo-seed", type=int, metavar="N", help="which demo account (seed)")
    parser.add_argument("--demo-size", type=int, metavar="N", help="number of deals in the demo")
    parser.add_argument(
        "--company",
        dest="company_domain",
        metavar="DOMAIN",
        help="company domain: acme for https://acme.pipedrive.com",
    )
    parser.add_argument(
        "--base-url",
        metavar="URL",
        help="a proxy or Pipedrive-compatible server instead of the company URL",
    )
    parser.add_argument(
        "--read-only",
        action="store_true",
        default=None,
        help="refuse every write (nothing is changed in Pipedrive)",
    )
    parser.add_argument("--theme", help="Textual theme name")
    parser.add_argument(
        "--profile",
        metavar="NAME",
        help="which account of the config file ([profiles.NAME]; default: default_profile, "
        "else 'default')",
    )
    sub = parser.add_subparsers(dest="command")
    server = sub.add_parser("demo-server", help="serve the demo account over http://127.0.0.1")
    server.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 = any)")
    server.add_argument("--seed", type=int, default=7, help="which demo account (seed)")
    server.add_argument("--size", type=int, default=1000, help="number of deals")
    server.add_argument("--token", default=DEMO_TOKEN, help="the token clients must send")
    doctor = sub.add_parser(
        "doctor",
        help="check the settings and the connection to the account",
        description="Check the settings, the connection, both API versions, the rate limits "
        "and the cache of the account the app would open (two cheap calls, 7 tokens). "
        "Exit status 0: all is well; 1: the account cannot be reached or refuses the token; "
        "2: the settings are wrong. The token is never shown.",
    )
    _add_connection_options(doctor)
    config = sub.add_parser("config", help="where the config file, cache and state live")
    config_sub = config.add_subparsers(dest="config_command", metavar="{path}", required=True)
    config_sub.add_parser("path", help="print where the config, cache, state and logs live")
    _add_serve_parser(sub)
    return parser


def _add_serve_parser(sub: Any) -> None:
    """``serve``: the app in a web browser, through textual-serve."""
    serve = sub.add_parser(
        "serve",
        help="run the app in a web browser (http://127.0.0.1:8000)",
        description="Serve the app to web browsers: each browser tab runs its own copy, with "
        "the options given here and the token from PIPEDRIVE_API_TOKEN or the config file "
        "(never on a command line). Only this machine can connect unless --host says "
        "otherwise; to use it from elsewhere, prefer an SSH tunnel. Ctrl+C stops it.",
    )
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine)"
    )
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 = any)")
    serve.add_argument(
        "--public-url",
        metavar="URL",
        help="the address browsers open, when it is not http://HOST:PORT (a tunnel, a proxy)",
    )
    _add_connection_options(serve)
    unset = argparse.SUPPRESS
    serve.add_argument("--read-only", action="store_true", default=unset, help="refuse every write")
    serve.add_argument("--theme", default=unset, help="Textual theme name")


def _add_connection_options(parser: argparse.ArgumentParser) -> None:
    """The app's account options, also accepted after a subcommand (``doctor --demo``).

    ``SUPPRESS`` keeps an option the subcommand was not given from overwriting the same option
    given before it (``pipedrive-tui --demo doctor``).
    """
    unset = argparse.SUPPRESS
    parser.add_argument("--demo", action="store_true", default=unset, help="the demo account")
    parser.add_argument(
        "--demo-seed", type=int, metavar="N", default=unset, help="which demo account (seed)"
    )
    parser.add_argument(
        "--demo-size", type=int, metavar="N", default=unset, help="number of deals in the demo"
    )
    parser.add_argument(
        "--company", dest="company_domain", metavar="DOMAIN", default=unset,
        help="company domain: acme for https://acme.pipedrive.com",
    )  # fmt: skip
    parser.add_argument(
        "--base-url", metavar="URL", default=unset, help="a proxy or Pipedrive-compatible server"
    )
    parser.add_argument(
        "--profile", metavar="NAME", default=unset, help="which account of the config file"
    )


def build_session(settings: Settings, *, keep_records: bool = True) -> AccountSession:
    """The client, lookups and account facts for the configured account (or the demo).

    ``keep_records``: open the account's local record store (``doctor`` and ``serve`` only
    check the settings, and create no files).
    """
    from pipedrive_tui.api.client import PipedriveClient
    from pipedrive_tui.api.ratelimit import Limiter
    from pipedrive_tui.api.transport import company_base_url
    from pipedrive_tui.config import ConfigError
    from pipedrive_tui.data.cache import DiskCache, account_key
    from pipedrive_tui.data.lookups import Lookups
    from pipedrive_tui.data.session import AccountSession
    from pipedrive_tui.data.store import RecordStore

    options: dict[str, Any] = {
        "timeout": settings.timeout,
        "read_only": settings.read_only,
        "limiter": Limiter(settings.burst_limit, 2.0),
    }
    if settings.use_demo:
        from pipedrive_tui.demo.handler import DemoPipedrive

        demo = DemoPipedrive(
            seed=settings.demo_seed, size=settings.demo_size, token=DEMO_TOKEN, freeze_gc=True
        )
        client = PipedriveClient(
            DEMO_BASE_URL,
            api_token=DEMO_TOKEN,
            transport=demo.async_transport(offload=True),
            **options,
        )
        # The demo regenerates from its seed on every start: no disk cache to go stale.
        return AccountSession(client, Lookups(client), is_demo=True)
    token = settings.secret()
    if settings.base_url:
        base_url = settings.base_url
    elif settings.company_domain:
        base_url = company_base_url(settings.company_domain)
    else:
        raise ConfigError(
            "A token is set but not where to send it: set PIPEDRIVE_COMPANY_DOMAIN=yourcompany "
            "(as in yourcompany.pipedrive.com), or --company, or --base-url."
        )
    if settings.oauth_token is not None:
        options["oauth_token"] = token
    else:
        options["api_token"] = token
    client = PipedriveClient(base_url, **options)
    key = account_key(base_url, token)
    cache = DiskCache(locations.cache_dir(), key)
    store = RecordStore.for_account(key) if keep_records else None
    domain = settings.company_domain
    return AccountSession(client, Lookups(client, cache), company_domain=domain, store=store)


def _cli_values(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "demo": args.demo,
        "demo_seed": args.demo_seed,
        "demo_size": args.demo_size,
        "company_domain": args.company_domain,
        "base_url": args.base_url,
        "read_only": args.read_only,
        "theme": args.theme,
        "profile": args.profile,
    }


def _settings_from_args(args: argparse.Namespace) -> Settings:
    from pipedrive_tui.config import load_settings

    return load_settings(_cli_values(args))


def _app_settings(args: argparse.Namespace) -> tuple[Settings, list[str]]:
    """The app's settings: a bad config file gives warnings (shown in the app), not an exit."""
    from pipedrive_tui.config import load_settings_lenient

    return load_settings_lenient(_cli_values(args))


def _plain_demo_start(args: argparse.Namespace) -> bool:
    """Whether this is the demo with nothing to validate: no config file, no credentials.

    Then the app paints its first frame before settings are validated and the session is built
    (pydantic and httpx load in a worker thread); otherwise settings are checked before the app
    starts, so that a mistake is reported on stderr with exit status 2.
    """
    if args.company_domain or args.base_url or args.profile or locations.config_file().exists():
        return False
    if args.demo:
        return True
    return not any(
        os.environ.get(name, "").strip()
        for name in ("PIPEDRIVE_API_TOKEN", "PIPEDRIVE_OAUTH_TOKEN", "PIPEDRIVE_BASE_URL")
    )


def _run_demo_server(args: argparse.Namespace) -> int:
    from pipedrive_tui.demo.server import serve

    try:
        serve(port=args.port, seed=args.seed, size=args.size, token=args.token)
    except KeyboardInterrupt:
        return 0
    except OSError as error:
        print(
            f"pipedrive-tui demo-server: cannot listen on port {args.port}: {error}",
            file=sys.stderr,
        )
        return 1
    return 0


def _run_doctor(args: argparse.Namespace) -> int:
    from pipedrive_tui.doctor import doctor

    try:
        return doctor(_cli_values(args), out=sys.stdout)
    except KeyboardInterrupt:
        return 130


def _run_serve(args: argparse.Namespace) -> int:
    from pipedrive_tui.config import ConfigError

    try:
        settings = _settings_from_args(args)
        if not settings.use_demo:
            # Say now that the token has nowhere to go, not in every browser tab.
            build_session(settings, keep_records=False)
    except (ConfigError, ValueError) as error:
        print(f"pipedrive-tui serve: {error}", file=sys.stderr)
        return 2
    from pipedrive_tui.web import serve

    return serve(_cli_values(args), host=args.host, port=args.port, public_url=args.public_url)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status (errors go to stderr, never a traceback)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "demo-server":
        return _run_demo_server(args)
    if args.command == "config":
        from pipedrive_tui.doctor import print_paths

        return print_paths(sys.stdout)
    if args.command == "doctor":
        return _run_doctor(args)
    if args.command == "serve":
        return _run_serve(args)
    from pipedrive_tui.app import PipedriveApp

    if _plain_demo_start(args):

        def boot() -> tuple[AccountSession, Settings]:
            settings = _settings_from_args(args)
            return build_session(settings), settings

        app = PipedriveApp(
            boot=boot,
            demo_hint=True,
            session_factory=build_session,
            cli_overrides=_cli_values(args),
        )
    else:
        from pipedrive_tui.config import ConfigError

        try:
            settings, warnings = _app_settings(args)
            session = build_session(settings)
        except (ConfigError, ValueError) as error:
            print(f"pipedrive-tui: {error}", file=sys.stderr)
            return 2
        app = PipedriveApp(
            session,
            settings,
            warnings=warnings,
            session_factory=build_session,
            cli_overrides=_cli_values(args),
        )
    app.run()
    if app.boot_error:
        print(f"pipedrive-tui: {app.boot_error}", file=sys.stderr)
        return 2
    return app.return_code or 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
