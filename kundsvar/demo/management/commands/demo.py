import os
import signal
import subprocess
import sys
import time
import urllib.request

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from kundsvar.demo import shop as demo


class Command(BaseCommand):
    help = "Create the demo shop (once), then run the web server and the worker until Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="Only create the data.")

    def handle(self, *args, port, no_serve, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        if demo.demo_exists():
            logins = demo.reset_passwords()
            self.stdout.write("The demo shop exists already; its cases are kept.")
        else:
            logins = demo.create_demo()
            self.stdout.write(
                "Created the demo shop Nordljus with 12 customers, 30 cases and 2 chats."
            )
        if no_serve:
            self._print_logins(None, logins)
            return
        self._run(port, logins)

    def _print_logins(self, url, logins):
        line = "=" * 64
        self.stdout.write(self.style.SUCCESS(line))
        if url:
            self.stdout.write(self.style.SUCCESS(f"  Kundsvar demo: {url}"))
            shop = f"{url.rstrip('/')}/s/{demo.SHOP_SLUG}"
            self.stdout.write(f"  Customer side: {shop}/ (contact), {shop}/faq/, {shop}/order/")
            self.stdout.write(f"  Mail the demo sends is written to {self._mail_dir()}/")
        self.stdout.write(f"  Agent login:  {logins['agent']} / {logins['agent_password']}")
        self.stdout.write(f"  Admin login:  {logins['admin']} / {logins['admin_password']}")
        if url:
            self.stdout.write("  Ctrl-C stops the web server and the worker.")
        self.stdout.write(self.style.SUCCESS(line))

    @staticmethod
    def _mail_dir():
        return settings.VAR_DIR / "demo-mail"

    def _environment(self, url):
        """Quiet children that link to the port they really serve, unless told otherwise."""
        env = dict(os.environ)
        if not (env.get("KUNDSVAR_SITE_URL") or env.get("SITE_URL")):
            env["KUNDSVAR_SITE_URL"] = url.rstrip("/")
        env.setdefault("LOG_LEVEL", "WARNING")
        env.setdefault("EMAIL_URL", f"file://{self._mail_dir()}")
        return env

    def _run(self, port, logins):
        cli = [sys.executable, "-m", "kundsvar.cli"]
        url = f"http://127.0.0.1:{port}/"
        env = self._environment(url)
        # Own sessions: Ctrl-C reaches only this process, which then stops the children
        # gently (a SIGINT to the server's whole group ends in killed workers).
        web = subprocess.Popen(
            # One web process: the live chat's in-process broker needs no more on SQLite.
            [*cli, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--quiet"],
            env=env,
            start_new_session=True,
        )
        worker = subprocess.Popen([*cli, "worker"], env=env, start_new_session=True)
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            if not self._wait_until_up(url + "healthz", web):
                self.stderr.write("The web server did not start; see the messages above.")
                return
            self._print_logins(url, logins)
            while not stopping and web.poll() is None and worker.poll() is None:
                time.sleep(0.5)
        finally:
            for process in (web, worker):
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in (web, worker):
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
        self.stdout.write("Stopped. The logins of this run were:")
        self._print_logins(None, logins)

    @staticmethod
    def _wait_until_up(url, process, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (localhost)
                    if response.status == 200:
                        return True
            except OSError:
                time.sleep(0.3)
        return False
