"""The Spark session dbt-spark (`method: session`) works in.

dbt-spark's session connection calls ``SparkSession.builder...getOrCreate()``, so the session
started here, in this process, is the one dbt builds in: raw.* registered here are dbt's
sources. The settings are profiles.yml's `spark` target's, read from the same environment.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

SPARK_DIR_ENV = "CCHC_SPARK_DIR"
MASTER_ENV = "CCHC_SPARK_MASTER"
SHUFFLE_PARTITIONS_ENV = "CCHC_SPARK_SHUFFLE_PARTITIONS"
DRIVER_MEMORY_ENV = "CCHC_SPARK_DRIVER_MEMORY"
LOG_CONFIG = Path(__file__).with_name("log4j2.properties")


class SparkUnavailable(RuntimeError):
    """pyspark or Java is missing: the Spark target cannot start."""


def check_requirements() -> None:
    """Fail with what to install, before a JVM is asked for."""
    try:
        import pyspark  # noqa: F401
    except ImportError as error:
        raise SparkUnavailable(
            "pyspark is not installed: `make install` installs it from requirements.lock "
            "(the `spark` extra of pyproject.toml)"
        ) from error
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise SparkUnavailable(
            "Java is missing: Spark needs a Java 17 runtime "
            "(as root: apt-get install -y openjdk-17-jre-headless)"
        )


def spark_conf(spark_dir: Path) -> dict[str, str]:
    """profiles.yml's server_side_parameters of the `spark` target, for `spark_dir`."""
    return {
        "spark.master": os.environ.get(MASTER_ENV, "local[2]"),
        "spark.sql.shuffle.partitions": os.environ.get(SHUFFLE_PARTITIONS_ENV, "2"),
        "spark.sql.warehouse.dir": str(spark_dir / "warehouse"),
        "spark.hadoop.javax.jdo.option.ConnectionURL": (
            f"jdbc:derby:;databaseName={spark_dir / 'metastore_db'};create=true"
        ),
        "spark.sql.timestampType": "TIMESTAMP_NTZ",
        "spark.sql.session.timeZone": "UTC",
        "spark.driver.memory": os.environ.get(DRIVER_MEMORY_ENV, "2g"),
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        # The catalogue's derby.log goes beside it, not into the working directory; Spark's
        # log goes to spark.log there (log4j2.properties), not onto the terminal.
        "spark.driver.extraJavaOptions": (
            f"-Dderby.system.home={spark_dir} -Dlog4j2.configurationFile={LOG_CONFIG} "
            f"-Dcchc.spark.log={spark_dir / 'spark.log'}"
        ),
    }


def start_session(spark_dir: Path) -> SparkSession:
    """A local Spark session with its catalogue (Derby) and tables under `spark_dir`."""
    check_requirements()
    from pyspark.sql import SparkSession

    spark_dir.mkdir(parents=True, exist_ok=True)
    # profiles.yml reads the same directory, for a dbt started outside this process.
    os.environ[SPARK_DIR_ENV] = str(spark_dir)
    builder = SparkSession.builder.appName("cchc").enableHiveSupport()
    for key, value in spark_conf(spark_dir).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session
