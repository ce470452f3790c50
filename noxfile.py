"""Sessions: tests, slow, conformance (thorough), lint, typing, bench, coverage, demo, keras_ops,
array_api, applications, distribution.

Every session that runs code installs crossops with all four backends: JAX, PyTorch
(pinned to the CPU build in constraints.txt), TensorFlow (``tensorflow-cpu``) and NumPy.
Pass pytest arguments after ``--``: ``nox -s tests -- --backend torch``.
"""

import nox

nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["tests"]


def install(session, extras="jax,torch,test"):
    session.install("-c", "constraints.txt", f"-e.[{extras}]", "tensorflow-cpu")


@nox.session
def tests(session):
    """The whole test suite on every backend (CI profile)."""
    install(session)
    # (the 20 slowest tests printed at the end: the suite's budget is 30 minutes. xdist's
    # default distribution: in CI, ``--dist loadgroup``, which put the cases sharing a
    # Keras subprocess on one worker, took 28-30 minutes against 22 without it)
    session.run("pytest", "-n", "2", "-q", "-p", "no:cacheprovider", "--durations=20",
                *session.posargs)


@nox.session
def slow(session):
    """The cases marked ``slow`` (pyproject's addopts leave them out of every other run):
    repeats, on more shapes or settings, of compiles the default suite does once (the
    costly random samplers under tf.function, XLA and torch.compile)."""
    install(session)
    session.run("pytest", "-n", "2", "-q", "-p", "no:cacheprovider", "-m", "slow",
                "--durations=20", *session.posargs)


@nox.session
def conformance(session):
    """The conformance suite with many more examples (the thorough profile)."""
    install(session)
    session.run("pytest", "-n", "2", "-q", "-m", "conformance", "tests", *session.posargs,
                env={"CROSSOPS_PROFILE": "thorough"})


@nox.session
def lint(session):
    session.install("ruff")
    session.run("ruff", "check", "src", "tests", "scripts")


@nox.session
def typing(session):
    """pyright on a user's script (tests/test_typing.py): the ops' results typed as
    crossops's ``Array``, wrong arguments reported. No backend runs: NumPy only."""
    session.install("-c", "constraints.txt", "-e.[test]", "pyright")
    session.run("pytest", "-q", "-p", "no:cacheprovider", "-rxX", "tests/test_typing.py",
                *session.posargs)


@nox.session
def bench(session):
    """Dispatch overhead, compiled kernels and training speed, as ratios against native."""
    install(session)
    session.install("optax")
    session.run("python", "scripts/bench_dispatch.py")
    session.run("python", "scripts/bench_kernels.py")
    session.run("python", "scripts/bench_train.py")
    # (three rounds, round-robin: one process's step time moves by up to a third between
    # runs, and the README's model rows are medians of three rounds' ratios)
    session.run("python", "scripts/bench_models.py", "--rounds", "3")
    session.run("python", "scripts/bench_mixed_precision.py")
    session.run("python", "scripts/bench_random.py")


@nox.session
def coverage(session):
    """The spec coverage report (ops per group and backend)."""
    install(session)
    session.run("python", "scripts/coverage.py", *session.posargs)


@nox.session
def demo(session):
    """One backend-agnostic kernel, then a CNN trained on digits, on every backend."""
    install(session, "jax,torch")
    session.install("scikit-learn")
    session.run("python", "scripts/demo.py", *session.posargs)


@nox.session
def keras_ops(session):
    """Keras's own ops tests (read from the installed keras) against keras.ops and
    crossops.ops on every backend; prints keras/crossops pass counts side by side.
    Options after ``--`` go to scripts/keras_ops_tests/run.py (``-- --backends torch``)."""
    install(session)
    session.install("keras==3.15.1")  # the counts in the README are for this Keras
    session.run("python", "scripts/keras_ops_tests/run.py", *session.posargs)


@nox.session
def array_api(session):
    """data-apis/array-api-tests against crossops.numpy on every backend (20 examples a
    test; the suite cloned once, at the commit scripts/array_api_tests/run.sh pins, into
    .array-api-tests/). Options after ``--`` go to run.sh (``-- 20 torch``)."""
    install(session)
    session.install("pytest-json-report", "ndindex")  # the suite's runner reads them
    session.run("bash", "scripts/array_api_tests/run.sh", *session.posargs, external=True)


@nox.session
def applications(session):
    """Every application (VGG16, VGG19, ResNet50, ResNet50V2, MobileNetV2, EfficientNetB0)
    against Keras's on jax, torch and tensorflow, channels_last and channels_first; prints
    the largest differences. Options after ``--`` go to scripts/check_applications.py
    (``-- --size 64 --models ResNet50``)."""
    install(session)
    session.install("keras==3.15.1")
    session.run("python", "scripts/check_applications.py", *session.posargs)


@nox.session
def distribution(session):
    """crossops.distribution's long cases (tensorflow's MirroredStrategy, torch with
    compiled steps over 2 processes, more epochs) and the per-step overhead of 2-way data
    parallelism against one device (scripts/bench_distribution.py)."""
    install(session)
    session.run("pytest", "-q", "-p", "no:cacheprovider", "tests/test_distribution.py",
                *session.posargs, env={"CROSSOPS_DISTRIBUTION_LONG": "1"})
    session.run("python", "scripts/bench_distribution.py")
