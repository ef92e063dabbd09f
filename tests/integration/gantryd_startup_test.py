#!/usr/bin/python3
"""Start-up and shutdown of the real gantryd binary.

Usage: gantryd_startup_test.py GANTRYD [unittest arguments, e.g. a test name]
"""

import os
import signal
import subprocess

import gantryd_harness as harness
from gantryd_harness import EXIT_TIMEOUT


class gantryd_test(harness.gantryd_test_case):
    def assert_one_error_line(self, stderr, *fragments):
        lines = [line for line in stderr.splitlines() if line.strip()]
        self.assertEqual(len(lines), 1, "expected one line on stderr, got:\n" + stderr)
        for fragment in fragments:
            self.assertIn(fragment, lines[0])

    def test_starts_on_defaults_and_stops_cleanly_on_sigterm(self):
        p = self.start()
        self.assertTrue(p.wait_until_serving(), "gantryd did not start:\n" + p.stderr())
        data = os.path.join(self.workdir, "data")
        self.assertTrue(os.path.isdir(os.path.join(data, "commitlog")), "no data/commitlog in the working directory")

        p.process.send_signal(signal.SIGTERM)
        status = p.wait()
        self.assertEqual(status, 0, p.stderr())
        self.assertIn("stopped cleanly", p.stderr())
        self.assertFalse(os.path.exists(os.path.join(data, "abort")), "abort marker left after a clean stop")

    def test_sigint_stops_cleanly_too(self):
        p = self.start("--storePathRootDir", os.path.join(self.workdir, "store"))
        self.assertTrue(p.wait_until_serving(), "gantryd did not start:\n" + p.stderr())
        p.process.send_signal(signal.SIGINT)
        self.assertEqual(p.wait(), 0, p.stderr())

    def test_unknown_key_in_file_is_named(self):
        config = os.path.join(self.workdir, "gantry.toml")
        with open(config, "w") as f:
            f.write('brokerName = "broker-t"\nflushDiskTyp = "SYNC_FLUSH"\n')
        status, stderr = self.run_to_exit("-c", config)
        self.assertEqual(status, 2, stderr)
        self.assert_one_error_line(stderr, "unknown configuration key 'flushDiskTyp'", config + ":2",
                                   "did you mean 'flushDiskType'")

    def test_bad_flush_disk_type_on_command_line_is_named(self):
        status, stderr = self.run_to_exit("--flushDiskType", "FAST")
        self.assertEqual(status, 2, stderr)
        self.assert_one_error_line(stderr, "flushDiskType must be ASYNC_FLUSH or SYNC_FLUSH, got 'FAST'")
        self.assertFalse(os.path.exists(os.path.join(self.workdir, "data")), "data directory created anyway")

    def test_second_broker_on_the_same_data_dir_is_refused(self):
        data = os.path.join(self.workdir, "shared-data")
        first = self.start("--storePathRootDir", data, name="first")
        self.assertTrue(first.wait_until_serving(), "first gantryd did not start:\n" + first.stderr())

        second = self.start("--storePathRootDir", data, name="second")
        status = second.wait()
        self.assertEqual(status, 2, second.stderr())
        self.assert_one_error_line(second.stderr(), "locked", data)

        self.assertIsNone(first.process.poll(), "the first gantryd died:\n" + first.stderr())
        first.process.send_signal(signal.SIGTERM)
        self.assertEqual(first.wait(), 0, first.stderr())

    def test_unwritable_data_dir_is_named(self):
        blocker = os.path.join(self.workdir, "not-a-dir")
        with open(blocker, "w") as f:
            f.write("a regular file\n")
        data = os.path.join(blocker, "data")
        status, stderr = self.run_to_exit("--storePathRootDir", data)
        self.assertEqual(status, 2, stderr)
        self.assert_one_error_line(stderr, data, "storePathRootDir")

    def test_help_lists_keys_and_version_prints(self):
        out = subprocess.run([harness.GANTRYD, "--help"], capture_output=True, text=True, timeout=EXIT_TIMEOUT)
        self.assertEqual(out.returncode, 0, out.stderr)
        for key in ("--flushDiskType", "--storePathRootDir", "--brokerName", "--logLevel", "-c"):
            self.assertIn(key, out.stdout)
        out = subprocess.run([harness.GANTRYD, "--version"], capture_output=True, text=True, timeout=EXIT_TIMEOUT)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertTrue(out.stdout.startswith("gantryd "), out.stdout)


if __name__ == "__main__":
    harness.main(__doc__)
