{
  "targets": [
    {
      "target_name": "nio",
      "sources": ["src/nio.c", "src/spawn.c"],
      "defines": ["NAPI_VERSION=8", "_GNU_SOURCE"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-std=gnu11"]
    }
  ]
}
