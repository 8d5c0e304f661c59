"""The server's job pool with real threads: N jobs at once, first in first out with places, cancelling while
waiting or running frees the line or the slot, time limits stop a running job between batches, and the model
lock gives up after its timeout. Every wait in these tests is bounded (a few seconds at most)."""

from __future__ import annotations

import threading
import time

import pytest

from embdash.dataio.store import Store
from embdash.errors import EmbeddingStopped, ModelBusy
from embdash.hashing import text_hash
from embdash.jobs import (
    FAST_LANE_TEXTS,
    JobCancelled,
    JobPool,
    JobRefused,
    Limits,
    default_slots,
)
from embdash.models.embed import embed_texts
from tests.fakes import PlantedTopicsEmbedder, SlowEmbedder, planted_texts

BIG = FAST_LANE_TEXTS + 1  # the smallest job that waits in line
SOON = 5.0  # seconds: anything the pool should do "at once" happens well within this


def eventually(condition, seconds: float = SOON) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


class Worker(threading.Thread):
    """Holds a turn of `pool` until told to finish (or until its ticket says stop, with `cooperative`)."""

    def __init__(self, pool: JobPool, name: str, started: list, *, size: int = BIG, limits: Limits = Limits(),
                 cooperative: bool = False, on_wait=None, is_wanted=None):
        super().__init__(name=name, daemon=True)
        self.pool, self.size, self.limits, self.started = pool, size, limits, started
        self.cooperative, self.on_wait, self.is_wanted = cooperative, on_wait, is_wanted
        self.finish = threading.Event()
        self.running = threading.Event()
        self.ticket = None
        self.error: BaseException | None = None
        self.stopped_after: float | None = None

    def run(self):
        try:
            with self.pool.job(self.name, self.size, self.limits, on_wait=self.on_wait, is_wanted=self.is_wanted,
                               poll_seconds=0.02) as ticket:
                self.ticket = ticket
                self.started.append(self.name)
                self.running.set()
                began = time.monotonic()
                while not self.finish.is_set():
                    if self.cooperative and ticket.should_stop():
                        self.stopped_after = time.monotonic() - began
                        break
                    time.sleep(0.01)
        except BaseException as error:  # noqa: BLE001 - reported to the test
            self.error = error


def start(worker: Worker) -> Worker:
    worker.start()
    return worker


def test_at_most_n_jobs_run_at_once_and_the_rest_start_as_slots_free():
    pool, started = JobPool(2), []
    workers = [start(Worker(pool, f"w{i}", started)) for i in range(4)]
    assert eventually(lambda: len(started) == 2)
    time.sleep(0.2)  # nobody else gets in while both slots are held
    assert len(started) == 2 and pool.running == 2 and pool.waiting == 2
    first = next(w for w in workers if w.name == started[0])
    first.finish.set()
    assert eventually(lambda: len(started) == 3)
    assert pool.running == 2 and pool.waiting == 1
    for worker in workers:
        worker.finish.set()
    for worker in workers:
        worker.join(SOON)
    assert len(started) == 4 and pool.running == 0 and pool.waiting == 0
    assert all(worker.error is None for worker in workers)


def test_jobs_start_first_in_first_out_and_each_sees_its_place():
    pool, started = JobPool(1), []
    holder = start(Worker(pool, "holder", started))
    assert holder.running.wait(SOON)
    places: dict[str, list] = {}
    waiting = []
    for name in ("b", "c", "d"):
        worker = Worker(pool, name, started, on_wait=lambda place, of, name=name: places.setdefault(name, []).append((place, of)))
        waiting.append(start(worker))
        assert eventually(lambda: pool.waiting == len(waiting))  # in line in this order
    assert eventually(lambda: all(name in places for name in "bcd") and places["b"][-1] == (1, 3)
                      and places["c"][-1] == (2, 3) and places["d"][-1] == (3, 3))

    holder.finish.set()
    assert eventually(lambda: started == ["holder", "b"])
    assert eventually(lambda: places["c"][-1] == (1, 2) and places["d"][-1] == (2, 2))  # everyone moved up
    for worker in waiting:
        worker.finish.set()
        worker.join(SOON)
    assert started == ["holder", "b", "c", "d"]


def test_cancelling_a_waiting_job_takes_it_out_of_the_line_and_the_others_move_up():
    pool, started = JobPool(1), []
    holder = start(Worker(pool, "holder", started))
    assert holder.running.wait(SOON)
    b, c, d = (start(Worker(pool, name, started)) for name in "bcd")
    assert eventually(lambda: pool.waiting == 3 and all(w.ticket is None for w in (b, c, d)))
    ticket_c = next(t for t in pool._waiting if t.owner == "c")
    ticket_d = next(t for t in pool._waiting if t.owner == "d")
    assert ticket_d.place() == (3, 3)

    ticket_c.cancel()
    assert ticket_d.place() == (2, 2)  # at once, not at c's next poll
    c.join(SOON)
    assert isinstance(c.error, JobCancelled)

    holder.finish.set()
    b.finish.set()
    d.finish.set()
    for worker in (b, d):
        worker.join(SOON)
    assert started == ["holder", "b", "d"] and pool.running == 0 and pool.waiting == 0


def test_cancelling_a_running_job_stops_it_at_its_next_check_and_frees_its_slot():
    pool, started = JobPool(1), []
    runner = start(Worker(pool, "runner", started, cooperative=True))
    assert runner.running.wait(SOON)
    after = start(Worker(pool, "after", started))
    assert eventually(lambda: pool.waiting == 1)

    runner.ticket.cancel()
    assert runner.ticket.stop_reason() == "cancelled"
    assert after.running.wait(SOON)  # the slot went to the next in line
    assert runner.stopped_after is not None and not runner.finish.is_set()
    after.finish.set()
    after.join(SOON)
    assert pool.running == 0


def test_a_running_job_is_asked_to_stop_once_past_its_time_limit():
    pool, started = JobPool(1), []
    runner = start(Worker(pool, "runner", started, limits=Limits(seconds=0.3), cooperative=True))
    runner.join(SOON)
    assert runner.stopped_after is not None and 0.3 <= runner.stopped_after < 0.3 + 1.0
    assert runner.ticket.stop_reason() == "time"
    assert pool.running == 0


def test_a_waiting_job_whose_visitor_left_gives_its_place_up():
    pool, started = JobPool(1), []
    holder = start(Worker(pool, "holder", started))
    assert holder.running.wait(SOON)
    here = threading.Event()
    here.set()
    leaver = start(Worker(pool, "leaver", started, is_wanted=here.is_set))
    assert eventually(lambda: pool.waiting == 1)
    here.clear()  # the tab is closed
    leaver.join(SOON)
    assert isinstance(leaver.error, JobCancelled) and pool.waiting == 0
    holder.finish.set()
    holder.join(SOON)
    assert started == ["holder"]


def test_a_running_job_whose_visitor_left_stops_and_frees_its_slot():
    pool, started = JobPool(1), []
    here = threading.Event()
    here.set()
    runner = start(Worker(pool, "runner", started, cooperative=True, is_wanted=here.is_set))
    assert runner.running.wait(SOON)
    here.clear()
    runner.join(SOON)
    assert runner.ticket.stop_reason() == "gone" and pool.running == 0


def test_an_exception_while_waiting_leaves_the_line():
    """What a Streamlit rerun or a closed tab does to a waiting page: its on_wait raises."""

    class Rerun(BaseException):
        pass

    pool, started = JobPool(1), []
    holder = start(Worker(pool, "holder", started))
    assert holder.running.wait(SOON)
    calls = []

    def interrupted(place, of):
        calls.append((place, of))
        if len(calls) == 3:
            raise Rerun()

    waiter = start(Worker(pool, "waiter", started, on_wait=interrupted))
    waiter.join(SOON)
    assert isinstance(waiter.error, Rerun) and calls == [(1, 1)] * 3
    assert pool.waiting == 0
    holder.finish.set()
    holder.join(SOON)
    assert started == ["holder"]


def test_small_jobs_skip_the_line_and_hold_no_slot():
    pool, started = JobPool(1), []
    holder = start(Worker(pool, "holder", started))
    assert holder.running.wait(SOON)
    big = start(Worker(pool, "big", started))
    assert eventually(lambda: pool.waiting == 1)
    with pool.job("small", FAST_LANE_TEXTS) as ticket:
        assert ticket.fast and ticket.state == "running"
        assert pool.running == 1 and pool.waiting == 1  # nobody's slot or place was taken
    projection = pool.submit("projection", FAST_LANE_TEXTS, skip_if_small=False)
    assert not projection.fast and projection.place() == (2, 2)  # a job that may not skip waits like any other
    projection.cancel()
    holder.finish.set()
    big.finish.set()
    for worker in (holder, big):
        worker.join(SOON)
    assert started == ["holder", "big"]


def test_a_job_too_large_or_a_full_line_is_refused_before_any_wait():
    pool = JobPool(1, max_waiting=1)
    with pool.job("first", BIG) as first:  # a free slot: started, however full the line may be
        assert first.state == "running"
    with pytest.raises(JobRefused, match="at most 1,000 words in one job, and this one has 5,000"):
        with pool.job("hostile", 5_000, Limits(texts=1_000), what="words"):
            pass
    started: list = []
    holder = start(Worker(pool, "holder", started))
    assert holder.running.wait(SOON)
    waiter = start(Worker(pool, "waiter", started))
    assert eventually(lambda: pool.waiting == 1)
    with pytest.raises(JobRefused, match=r"busy \(1 jobs waiting for their turn\); try again in a minute"):
        pool.submit("one too many", BIG)
    holder.finish.set()
    waiter.finish.set()
    for worker in (holder, waiter):
        worker.join(SOON)
    assert started == ["holder", "waiter"] and pool.running == 0


def test_limits_apply_on_public_instances_only_and_the_lock_wait_follows_the_time_limit():
    assert Limits.for_instance(public=False, seconds=60, texts=20_000) == Limits()
    public = Limits.for_instance(public=True, seconds=60, texts=20_000)
    assert (public.seconds, public.texts) == (60, 20_000)
    assert 60 < public.lock_seconds <= 120  # a holder stops within its limit, plus the batch under way
    assert Limits().lock_seconds is not None  # never an endless wait


def test_default_slots_leave_a_core_for_the_pages():
    assert [default_slots(cpus) for cpus in (1, 2, 4, 8)] == [1, 1, 3, 7]
    with pytest.raises(ValueError):
        JobPool(0)


# ---- the model's cache lock, and embed_texts with a turn -------------------------------------------------


def hold_lock(store: Store, cache_key: str, release: threading.Event) -> threading.Thread:
    held = threading.Event()

    def run():
        with store.embedding_lock(cache_key):
            held.set()
            release.wait(SOON * 2)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert held.wait(SOON)
    return thread


def test_the_model_lock_gives_up_after_its_timeout_with_a_clear_message(tmp_path):
    store, release = Store(tmp_path), threading.Event()
    holder = hold_lock(store, "fake-topics@1", release)
    began = time.monotonic()
    with pytest.raises(ModelBusy, match=r"^Another job is embedding with fake-topics .*try again in a minute\.$"):
        with Store(tmp_path).embedding_lock("fake-topics@1", timeout=0.3):
            pass
    assert 0.3 <= time.monotonic() - began < 0.3 + 2.0
    release.set()
    holder.join(SOON)
    with Store(tmp_path).embedding_lock("fake-topics@1", timeout=0.3):
        pass  # free again


def test_a_job_waits_for_the_lock_no_longer_than_its_limits_but_a_small_job_takes_no_lock(tmp_path):
    store, release = Store(tmp_path), threading.Event()
    model = PlantedTopicsEmbedder()
    holder = hold_lock(store, model.cache_key, release)  # another visitor's long job
    pool = JobPool(2)
    texts = planted_texts(per_topic=20)[0]
    assert len(texts) > FAST_LANE_TEXTS
    with pytest.raises(ModelBusy):
        embed_texts(texts, model, Store(tmp_path), job=lambda n: pool.job("big", n, Limits(lock_seconds=0.3)))
    began = time.monotonic()
    two = embed_texts(["a first sentence", "a second one"], model, Store(tmp_path),
                      job=lambda n: pool.job("small", n, Limits(lock_seconds=0.3)))
    assert time.monotonic() - began < 0.3  # did not wait for the lock at all
    assert two.n_computed == 2 and pool.running == 0
    release.set()
    holder.join(SOON)


def test_embed_texts_stops_at_the_jobs_time_limit_keeps_what_it_did_and_frees_the_slot(tmp_path):
    texts = planted_texts(per_topic=20)[0]  # 120 distinct texts, 12 batches of 10
    model = SlowEmbedder(seconds=0.1)
    pool = JobPool(1)
    asked = []
    began = time.monotonic()
    with pytest.raises(EmbeddingStopped) as stopped:
        embed_texts(texts, model, Store(tmp_path), batch_size=10,
                    job=lambda n: asked.append(n) or pool.job("visitor", n, Limits(seconds=0.35)))
    elapsed = time.monotonic() - began
    assert asked == [len(texts)]  # the turn was asked for the texts to compute
    assert 0.35 <= elapsed < 0.35 + 0.1 + 1.0  # the limit, plus the batch under way
    assert 3 <= stopped.value.done < len(texts) and stopped.value.total == len(texts)
    assert pool.running == 0
    _, found = Store(tmp_path).load_vectors(model.cache_key, [text_hash(t) for t in texts])
    assert {t for t, f in zip(texts, found) if f} == set(model.embedded)  # every batch done is kept

    rest = embed_texts(texts, PlantedTopicsEmbedder(), Store(tmp_path), job=lambda n: asked.append(n) or pool.job("v", n))
    assert asked[-1] == len(texts) - len(model.embedded) and rest.n_cached == len(model.embedded)
    asked.clear()
    embed_texts(texts, PlantedTopicsEmbedder(), Store(tmp_path), job=lambda n: asked.append(n) or pool.job("v", n))
    assert asked == []  # all cached: no turn asked for


def test_an_embedding_job_waits_its_turn_behind_a_running_one(tmp_path):
    pool, started = JobPool(1), []
    holder = start(Worker(pool, "holder", started))
    assert holder.running.wait(SOON)
    texts = planted_texts(per_topic=20)[0]
    places = []
    done = threading.Event()

    def embed():
        embed_texts(texts, PlantedTopicsEmbedder(), Store(tmp_path),
                    job=lambda n: pool.job("visitor", n, on_wait=lambda p, of: places.append((p, of)), poll_seconds=0.02))
        done.set()

    thread = threading.Thread(target=embed, daemon=True)
    thread.start()
    assert eventually(lambda: len(places) >= 3)
    assert not done.is_set() and set(places) == {(1, 1)}
    holder.finish.set()
    assert done.wait(SOON)
    thread.join(SOON)
    assert pool.running == 0 and pool.waiting == 0


def test_the_pool_settings_are_read_and_checked_and_public_means_read_only_or_a_password():
    from embdash.config import ConfigError, load_settings

    defaults = load_settings(environ={})
    assert (defaults.max_jobs, defaults.job_seconds, defaults.job_texts, defaults.public) == (None, 60, 20_000, False)
    chosen = load_settings(environ={"EMBDASH_MAX_JOBS": "3", "EMBDASH_JOB_SECONDS": "20", "EMBDASH_JOB_TEXTS": "500"})
    assert (chosen.max_jobs, chosen.job_seconds, chosen.job_texts) == (3, 20, 500)
    assert load_settings(environ={"EMBDASH_READ_ONLY": "true"}).public
    assert load_settings(environ={"EMBDASH_PASSWORD": "s3cret"}).public
    with pytest.raises(ConfigError, match="EMBDASH_MAX_JOBS"):
        load_settings(environ={"EMBDASH_MAX_JOBS": "0"})
