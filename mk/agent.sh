#!/bin/sh
# Razor Microkernel agent (busybox sh), respawned by init: finds the razor server, checks in every
# mk_checkin_interval seconds (+ random skew), registers the node's facts on the first checkin,
# when told `register` and whenever they change, applies the server's client_config, and obeys
# `reboot` and `poweroff` (reference §3.2–3.3). Booted with razor.install=<plan URL> it runs the
# install (install.sh) instead, once. Everything it does is logged to the console.
MK_HOME=${MK_HOME:-/mk}
. "$MK_HOME/lib/common.sh"
. "$MK_HOME/lib/net.sh"
. "$MK_HOME/lib/facts.sh"
. "$MK_HOME/lib/json.sh"

# Defaults: the original MK's (§3.2), until the server's client_config says otherwise. The MK_*
# variables exist for tests only; the MK's init sets none of them.
interval=${MK_CHECKIN_INTERVAL:-60}
skew=${MK_CHECKIN_SKEW:-5}
retry_step=${MK_RETRY_STEP:-5} # seconds added to the wait per failed checkin in a row
checkin_path=/razor/api/node/checkin
register_path=/razor/api/node/register
excl_pattern='(^facter.*$)|(^id$)|(^kernel.*$)|(^memoryfree$)|(^operating.*$)|(^osfamily$)|(^path$)|(^ps$)|(^ruby.*$)|(^selinux$)|(^ssh.*$)|(^swap.*$)|(^timezone$)|(^uniqueid$)|(^uptime.*$)|(.*json_str$)'
discovered=''  # the server as this MK found it
server_uri=''  # mk_uri from client_config, when the server sent one
failures=0

# http_get URL — the body of a GET (30 s limit).
http_get() { timeout 30 wget -q -O - "$1" 2>/dev/null; }

# current_uri — where to check in: the server's mk_uri, else the discovered one.
current_uri() { echo "${server_uri:-$discovered}"; }

# apply_config RESPONSE — takes mk_checkin_interval, mk_checkin_skew, mk_uri, the paths and
# mk_fact_excl_pattern from a response's client_config.
apply_config() {
  local v
  v=$(echo "$1" | json_num mk_checkin_interval)
  is_uint "$v" && [ "$v" -ge 1 ] && [ "$v" != "$interval" ] && {
    log "client_config: mk_checkin_interval $interval -> $v"
    interval=$v
  }
  v=$(echo "$1" | json_num mk_checkin_skew)
  is_uint "$v" && [ "$v" != "$skew" ] && {
    log "client_config: mk_checkin_skew $skew -> $v"
    skew=$v
  }
  v=$(echo "$1" | json_str mk_uri)
  case "$v" in http://*) [ "$v" != "$server_uri" ] && {
    log "client_config: mk_uri $v"
    server_uri=$v
  } ;; esac
  v=$(echo "$1" | json_str mk_checkin_path)
  case "$v" in /*) checkin_path=$v ;; esac
  v=$(echo "$1" | json_str mk_register_path)
  case "$v" in /*) register_path=$v ;; esac
  v=$(echo "$1" | json_str mk_fact_excl_pattern)
  [ -n "$v" ] && excl_pattern=$v
}

# facts_now — the current facts, after the exclusion pattern, into $MK_STATE/facts.now.
facts_now() { collect_facts | filter_facts "$excl_pattern" > "$MK_STATE/facts.now"; }

# register — POSTs the facts (form field json_hash); on success they become facts.registered.
register() {
  local hw body resp
  hw=$(hw_id)
  registration_json "$hw" idle < "$MK_STATE/facts.now" > "$MK_STATE/register.json"
  body="$MK_STATE/register.form"
  {
    printf 'json_hash='
    urlencode < "$MK_STATE/register.json"
  } > "$body"
  resp=$(timeout 30 wget -q -O - --header 'Content-Type: application/x-www-form-urlencoded' \
    --post-file "$body" "$(current_uri)$register_path" 2>/dev/null)
  case "$resp" in *'"errcode":0'*)
    cp "$MK_STATE/facts.now" "$MK_STATE/facts.registered"
    state_set first_checkin false
    log "registered $hw: $(wc -l < "$MK_STATE/facts.now") facts, tags $(echo "$resp" | sed -nE 's/.*"tags":\[([^]]*)\].*/\1/p' | tr -d '"')"
    apply_config "$resp"
    return 0
    ;;
  esac
  log "registration of $hw at $(current_uri)$register_path failed: $(echo "$resp" | cut -c1-200)"
  return 1
}

# checkin — one checkin and whatever it asks for.
checkin() {
  local hw url resp cmd first
  hw=$(hw_id)
  [ -n "$hw" ] || {
    log "no NIC with a MAC address; nothing to check in as"
    return 1
  }
  first=$(state_get first_checkin)
  url="$(current_uri)$checkin_path?hw_id=$hw&last_state=idle"
  [ "$first" = false ] || url="$url&first_checkin=true"
  if ! resp=$(http_get "$url") || [ -z "$resp" ]; then
    failures=$((failures + 1))
    log "checkin at $(current_uri) failed ($failures in a row)"
    # The server's mk_uri may be wrong for this network: after 3 failures use the discovered one;
    # after 6, discover again (DHCP may have changed).
    [ "$failures" -eq 3 ] && [ -n "$server_uri" ] && server_uri=''
    [ "$failures" -ge 6 ] && discovered='' && failures=0
    return 1
  fi
  failures=0
  cmd=$(echo "$resp" | json_str command_name)
  log "checkin $hw -> ${cmd:-?}"
  apply_config "$resp"
  facts_now
  case "$cmd" in
    acknowledge) ;;
    register) register ;;
    reboot)
      log "rebooting as razor asks"
      sync
      sleep 1
      reboot -f
      ;;
    poweroff)
      log "powering off as razor asks"
      sync
      sleep 1
      poweroff -f
      ;;
    *) log "unknown answer: $(echo "$resp" | cut -c1-200)" ;;
  esac
  cmp -s "$MK_STATE/facts.now" "$MK_STATE/facts.registered" || {
    log "facts changed since the last registration"
    register
  }
}

main() {
  local started elapsed wait first_skew first_at plan
  mkdir -p "$MK_STATE"
  # Booted to install (razor.install=<plan URL>, ADR 0029): once; if it fails, check in as usual.
  if plan=$(cmdline_arg razor.install) && [ -z "$(state_get install.tried)" ]; then
    exec "$MK_HOME/install.sh" "$plan"
  fi
  [ -n "$(state_get first_checkin)" ] || state_set first_checkin true
  # The first checkin comes 0..razor.skew seconds (default 1, any fraction) after the agent
  # starts, so a rack powered on at once spreads out; the wait overlaps the one for DHCP.
  first_skew=$(cmdline_arg razor.skew) && is_uint "$first_skew" || first_skew=1
  first_at=$(($(now_cs) + RANDOM % (first_skew * 100 + 1)))
  log "agent started: hw_id $(hw_id), first checkin at ${first_at}cs"
  wait_for_network
  sleep_cs $((first_at - $(now_cs)))
  while :; do
    started=$(now)
    nics_up
    [ -n "$discovered" ] || discovered=$(discover_server)
    if [ -n "$(current_uri)" ]; then
      checkin
    else
      failures=$((failures + 1))
    fi
    elapsed=$(($(now) - started))
    wait=$((interval - elapsed + RANDOM % (skew + 1)))
    # After a failed checkin try again sooner: 5 s, 10 s, … up to the interval.
    [ "$failures" -gt 0 ] && [ $((retry_step * failures)) -lt "$wait" ] && wait=$((retry_step * failures))
    [ "$wait" -ge 1 ] || wait=1
    [ "$failures" -gt 0 ] && log "next checkin in ${wait}s"
    sleep "$wait"
  done
}

main "$@"
