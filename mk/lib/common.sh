# Razor Microkernel — shared helpers for busybox sh: logging, kernel arguments, state files.
# Sourced by /init, the agent and the udhcpc hook. MK_PROC, MK_SYS and MK_STATE can point
# elsewhere so the same code runs against a fake tree on a build host (test/vm/agent.test.ts);
# MK_RESOLV (default /etc/resolv.conf) likewise.

: "${MK_PROC:=/proc}"
: "${MK_SYS:=/sys}"
: "${MK_STATE:=/run/mk}"

# log MESSAGE… — one line on stderr (the console), prefixed with the uptime in seconds.
log() {
  local up rest
  read -r up rest < "$MK_PROC/uptime" 2>/dev/null || up=0
  echo "razor-mk[$up]: $*" >&2
}

# cmdline_arg NAME — prints the value of NAME=value from the kernel command line; fails if absent.
cmdline_arg() {
  local w
  for w in $(cat "$MK_PROC/cmdline" 2>/dev/null); do
    case "$w" in "$1="*)
      echo "${w#*=}"
      return 0
      ;;
    esac
  done
  return 1
}

# state_get NAME / state_set NAME VALUE — small files under MK_STATE that outlive an agent restart.
state_get() { cat "$MK_STATE/$1" 2>/dev/null; }
state_set() {
  mkdir -p "$MK_STATE"
  printf '%s\n' "$2" > "$MK_STATE/$1"
}

# is_uint VALUE — true for a non-empty string of digits.
is_uint() {
  case "$1" in '' | *[!0-9]*) return 1 ;; esac
  return 0
}

# now — seconds since boot (whole), for interval arithmetic without a clock.
now() {
  local up rest
  read -r up rest < "$MK_PROC/uptime" 2>/dev/null || up=0
  echo "${up%%.*}"
}

# now_cs — centiseconds since boot, for sub-second waits.
now_cs() {
  local up rest
  read -r up rest < "$MK_PROC/uptime" 2>/dev/null || up=0.00
  echo $((${up%%.*} * 100 + 1${up#*.} - 100))
}

# sleep_cs CENTISECONDS — sleeps that long (nothing when ≤ 0).
sleep_cs() {
  [ "$1" -gt 0 ] && sleep "$(($1 / 100)).$(printf %02d $(($1 % 100)))"
  return 0
}
