#!/usr/bin/python3
"""The native C++ client (gantry::remoting_client) against the real gantryd.

Usage: native_test.py GANTRYD [unittest arguments]

Each test starts a fresh gantryd and runs one scenario of the
native_scenarios program (tests/integration/native), found beside gantryd.
"""

import os
import signal
import subprocess

import gantryd_harness as harness

SCENARIO_TIMEOUT = 45.0  # the program stops itself after 40 s
# Short redelivery back-off, so a failed message's retries come within seconds.
SHORT_DELAY_LEVELS = ("--messageDelayLevel", "1s 1s 1s 1s 1s")


class native_test(harness.gantryd_test_case):
    def start_broker(self, *args, name="gantryd", port=None):
        return self.start_serving(*args, name=name, port=port)

    def run_scenario(self, scenario, broker):
        program = os.path.join(os.path.dirname(harness.GANTRYD), "native_scenarios")
        try:
            done = subprocess.run([program, "127.0.0.1:%d" % self.port, scenario, os.path.join(self.workdir, "scratch")],
                                  stdin=subprocess.DEVNULL, capture_output=True, timeout=SCENARIO_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.fail("%s did not finish within %ss\ngantryd:\n%s" % (scenario, SCENARIO_TIMEOUT, broker.stderr()))
        self.assertEqual(done.returncode, 0, "%s exited %d\n%s%s\ngantryd:\n%s" % (
            scenario, done.returncode, done.stdout.decode(errors="replace"), done.stderr.decode(errors="replace"),
            broker.stderr()))
        self.assertIsNone(broker.process.poll(), "gantryd stopped during %s:\n%s" % (scenario, broker.stderr()))

    def scenario(self, name, *gantryd_args):
        self.run_scenario(name, self.start_broker(*gantryd_args))

    def scenarios_around_a_restart(self, before, after):
        first = self.start_broker()
        self.run_scenario(before, first)
        first.process.send_signal(signal.SIGTERM)
        self.assertEqual(first.wait(), 0, first.stderr())
        again = self.start_broker(name="again", port=self.port)
        self.run_scenario(after, again)

    def test_send_and_pull_round_trip(self):
        self.scenario("send_and_pull_round_trip")

    def test_ordered_sends_keep_per_key_order(self):
        self.scenario("ordered_sends_keep_per_key_order")

    def test_push_consumers_split_queues_and_rebalance_when_one_leaves(self):
        self.scenario("push_consumers_split_queues_and_rebalance_when_one_leaves")

    def test_broadcasting_delivers_to_every_consumer(self):
        self.scenario("broadcasting_delivers_to_every_consumer")

    def test_orderly_consumption_keeps_per_queue_order_under_concurrent_sends(self):
        self.scenario("orderly_consumption_keeps_per_queue_order_under_concurrent_sends")

    def test_orderly_suspend_consumes_again_then_dead_letters(self):
        self.scenario("orderly_suspend_consumes_again_then_dead_letters")

    def test_shutdown_waits_for_running_listeners_and_commits(self):
        self.scenario("shutdown_waits_for_running_listeners_and_commits")

    def test_consumer_of_an_unknown_topic_does_not_start(self):
        self.scenario("consumer_of_an_unknown_topic_does_not_start")

    def test_failed_message_comes_back_through_retry_then_lands_in_dlq(self):
        self.scenario("failed_message_comes_back_through_retry_then_lands_in_dlq", *SHORT_DELAY_LEVELS)

    def test_query_by_key_and_by_id(self):
        self.scenario("query_by_key_and_by_id")

    def test_offset_reset_by_time(self):
        self.scenario("offset_reset_by_time")

    def test_long_poll_wakes_within_a_few_ms(self):
        self.scenario("long_poll_wakes_within_a_few_ms")

    def test_topic_delete_ends_produce_and_consume(self):
        # Without automatic creation nothing brings the deleted topic back.
        self.scenario("topic_delete_ends_produce_and_consume", "--autoCreateTopicEnable", "false")

    def test_group_list_and_delete(self):
        self.scenario("group_list_and_delete")

    def test_offset_reset_reaches_an_online_push_consumer(self):
        self.scenario("offset_reset_reaches_an_online_push_consumer")

    def test_group_update_list_and_delete(self):
        self.scenario("group_update_list_and_delete")

    def test_group_retry_max_times_sends_to_the_dlq(self):
        self.scenario("group_retry_max_times_sends_to_the_dlq", *SHORT_DELAY_LEVELS)

    def test_held_pull_on_a_deleted_topic_returns_promptly(self):
        self.scenario("held_pull_on_a_deleted_topic_returns_promptly")

    def test_group_settings_survive_a_restart(self):
        self.scenarios_around_a_restart("group_settings_before_restart", "group_settings_after_restart")

    def test_consumers_resume_from_committed_offsets_after_a_restart(self):
        self.scenarios_around_a_restart("restart_before", "restart_after")


if __name__ == "__main__":
    harness.main(__doc__)
