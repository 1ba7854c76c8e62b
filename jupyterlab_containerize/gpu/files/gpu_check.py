"""Start-time GPU check, run by a CUDA image's entrypoint before the notebook, server or job starts.

Says in one line what is wrong instead of failing later in the first CUDA call. Stdlib only: it runs
in any image. Settings (image env): CONTAINERIZE_CUDA (the CUDA the image was built for),
CONTAINERIZE_MIN_DRIVER, CONTAINERIZE_GPU_CHECK = strict (default: exit 3 on a problem) | warn | off.
Usage: python3 gpu_check.py [COMMAND ...]  -> checks, then replaces itself with COMMAND.
"""

import ctypes
import glob
import os
import sys

EXIT_NO_GPU = 3


def driver_cuda_version(lib):
    version = ctypes.c_int()
    if lib.cuDriverGetVersion(ctypes.byref(version)) != 0 or not version.value:
        return None
    return "%d.%d" % (version.value // 1000, (version.value % 1000) // 10)


def kernel_driver_version():
    try:
        with open("/proc/driver/nvidia/version") as fh:
            for word in fh.read().split():
                if word.count(".") >= 1 and word.replace(".", "").isdigit():
                    return word
    except OSError:
        return None
    return None


def as_tuple(text):
    return tuple(int(p) for p in text.split(".") if p.isdigit())


def problem():
    """None when a GPU is usable, else one sentence saying what is wrong and what to do."""
    wanted = os.environ.get("CONTAINERIZE_CUDA", "")
    has_devices = bool(glob.glob("/dev/nvidia[0-9]*")) or os.path.exists("/dev/nvidiactl")
    try:
        lib = ctypes.CDLL("libcuda.so.1")
    except OSError:
        if has_devices:
            return (
                "GPU devices are visible but the NVIDIA driver library (libcuda.so.1) is not mounted: "
                "the NVIDIA container runtime is missing; install the NVIDIA Container Toolkit and run with --gpus all."
            )
        return (
            "No GPU is visible in this container: start it with `docker run --gpus all ...` "
            "(the host needs an NVIDIA GPU, its driver and the NVIDIA Container Toolkit)."
        )
    status = lib.cuInit(0)
    if status == 100:  # CUDA_ERROR_NO_DEVICE
        return "The NVIDIA driver is mounted but no GPU is visible: check --gpus / NVIDIA_VISIBLE_DEVICES."
    supported = driver_cuda_version(lib)
    # Minor-version compatibility: a 12.2 driver runs a 12.4 runtime; only a lower major is fatal.
    too_old = supported and wanted and as_tuple(supported)[:1] < as_tuple(wanted)[:1]
    if status == 35 or too_old:  # 35: CUDA_ERROR_INSUFFICIENT_DRIVER
        need = os.environ.get("CONTAINERIZE_MIN_DRIVER", "a newer one")
        return (
            "The host's NVIDIA driver %s supports CUDA %s, but this image needs CUDA %s: upgrade the driver to >= %s."
            % (kernel_driver_version() or "", supported or "?", wanted, need)
        )
    if status != 0:
        return "CUDA could not start (cuInit error %d): check the host's NVIDIA driver with nvidia-smi." % status
    return None


def main(argv):
    mode = os.environ.get("CONTAINERIZE_GPU_CHECK", "strict").lower()
    message = None if mode == "off" else problem()
    if message:
        sys.stderr.write("containerize: %s\n" % message)
        sys.stderr.flush()
        if mode == "strict":
            return EXIT_NO_GPU
    if argv:
        os.execvp(argv[0], argv)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
