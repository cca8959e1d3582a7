// Syncline's operations console: polls the /syncline endpoints of this worker (relative URLs, so the
// page works under any path prefix) and renders the mesh, lag charts, conflicts, dead letters and rows.
(function () {
  'use strict';
  var API = '../';
  var POLL_MS = 2000;
  var WINDOW_MS = 5 * 60 * 1000;
  var history = {};          // site id -> [{t, lagMs, lagEvents, rate}]
  var state = { status: null, coordinator: null, leases: null, backlog: null, conflicts: [], selected: null };

  function $(id) { return document.getElementById(id); }

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') { e.textContent = attrs[k]; } else if (k === 'cls') { e.className = attrs[k]; } else { e.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return e;
  }

  function cell(text, cls) { return el('td', { text: text === null || text === undefined ? '—' : String(text), cls: cls || '' }); }

  function badge(text, cls) { return el('span', { cls: 'state ' + (cls || text), text: text }); }

  function api(path, options) {
    return fetch(API + path, Object.assign({ headers: { Accept: 'application/json' }, credentials: 'same-origin' }, options || {}))
      .then(function (r) {
        return r.text().then(function (body) {
          var json = null;
          try { json = body ? JSON.parse(body) : null; } catch (e) { json = { message: body }; }
          if (!r.ok) {
            var err = new Error((json && json.message) || ('HTTP ' + r.status));
            err.status = r.status;
            throw err;
          }
          return json;
        });
      });
  }

  function siteId(s) { return s.group + '/' + s.site; }

  function bytes(n) {
    if (n === null || n === undefined) { return '—'; }
    var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    var i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i === 0 ? n : n.toFixed(1)) + ' ' + units[i];
  }

  function duration(ms) {
    if (ms === null || ms === undefined || ms < 0) { return '—'; }
    if (ms < 1000) { return ms + ' ms'; }
    if (ms < 120000) { return (ms / 1000).toFixed(1) + ' s'; }
    return Math.round(ms / 60000) + ' min';
  }

  // ---- tabs ----
  function showTab() {
    var name = (location.hash || '#mesh').substring(1);
    if (!$('tab-' + name)) { name = 'mesh'; }
    document.querySelectorAll('.tab').forEach(function (t) { t.classList.toggle('active', t.id === 'tab-' + name); });
    document.querySelectorAll('#tabs a').forEach(function (a) { a.classList.toggle('active', a.getAttribute('data-tab') === name); });
    if (name === 'conflicts') { loadConflicts(); }
    if (name === 'deadletters') { loadDeadLetters(); }
    if (name === 'lag') { drawCharts(); }
  }

  // ---- polling ----
  function eventsBehind(site) {
    var b = state.backlog && state.backlog.groups && state.backlog.groups[site.group];
    if (!b || !site.offsets || site.offsets.length === 0) { return null; }
    var behind = 0;
    Object.keys(b.endOffsets).forEach(function (p) {
      var stored = site.offsets.filter(function (o) { return String(o.partition) === p && o.topic === b.topic; })[0];
      behind += Math.max(0, b.endOffsets[p] - (stored && stored.nextOffset !== null ? stored.nextOffset : 0));
    });
    return behind;
  }

  function poll() {
    var now = Date.now();
    Promise.all([
      api('status').catch(function (e) { return { error: e.message }; }),
      api('coordinator').catch(function (e) { return { error: e.message }; }),
      api('leases').catch(function (e) { return { error: e.message }; }),
      api('backlog').catch(function (e) { return { error: e.message }; })
    ]).then(function (answers) {
      state.status = answers[0];
      state.coordinator = answers[1];
      state.leases = answers[2];
      state.backlog = answers[3];
      (state.status.sites || []).forEach(function (s) {
        var h = history[siteId(s)] = history[siteId(s)] || [];
        h.push({ t: now, lagMs: s.lagMillis === undefined ? null : s.lagMillis, lagEvents: eventsBehind(s),
          rate: s.eventsPerSecond === undefined ? null : s.eventsPerSecond });
        while (h.length && h[0].t < now - WINDOW_MS) { h.shift(); }
      });
      renderMesh();
      renderWarnings();
      renderOrigins();
      drawCharts();
      $('refreshed').textContent = state.status.error ? 'status: ' + state.status.error
        : 'updated ' + new Date(now).toLocaleTimeString();
    }).finally(function () { setTimeout(poll, POLL_MS); });
  }

  // ---- mesh ----
  function siteState(s) {
    if (!s.database || !s.database.reachable) { return 'bad'; }
    return s.running ? 'RUNNING' : 'warn';
  }

  function renderMesh() {
    var sites = (state.status && state.status.sites) || [];
    var svg = $('mesh-diagram');
    while (svg.firstChild) { svg.removeChild(svg.firstChild); }
    var ns = 'http://www.w3.org/2000/svg';
    var cx = 320, cy = 150, r = sites.length > 1 ? 120 : 0;
    var pos = sites.map(function (s, i) {
      var a = (sites.length === 2 ? Math.PI : -Math.PI / 2) + 2 * Math.PI * i / Math.max(1, sites.length);
      return [cx + r * Math.cos(a), cy + r * Math.sin(a)];
    });
    // The drawing's own size: as tall as the sites need, whatever their number.
    var xs = pos.map(function (p) { return p[0]; }), ys = pos.map(function (p) { return p[1]; });
    if (pos.length) {
      var x0 = Math.min.apply(null, xs) - 100, y0 = Math.min.apply(null, ys) - 45;
      svg.setAttribute('viewBox', x0 + ' ' + y0 + ' ' + (Math.max.apply(null, xs) - x0 + 100) + ' '
        + (Math.max.apply(null, ys) - y0 + 45));
    }
    for (var i = 0; i < sites.length; i++) {
      for (var j = i + 1; j < sites.length; j++) {
        if (sites[i].group !== sites[j].group) { continue; }
        var line = document.createElementNS(ns, 'line');
        line.setAttribute('x1', pos[i][0]); line.setAttribute('y1', pos[i][1]);
        line.setAttribute('x2', pos[j][0]); line.setAttribute('y2', pos[j][1]);
        line.setAttribute('class', 'edge');
        svg.appendChild(line);
      }
    }
    sites.forEach(function (s, k) {
      var g = document.createElementNS(ns, 'g');
      g.setAttribute('class', 'node');
      g.setAttribute('data-site', s.site);
      var c = document.createElementNS(ns, 'circle');
      c.setAttribute('cx', pos[k][0]); c.setAttribute('cy', pos[k][1]); c.setAttribute('r', 34);
      var st = siteState(s);
      c.setAttribute('fill', st === 'RUNNING' ? '#c6f6d5' : st === 'bad' ? '#fed7d7' : '#fefcbf');
      g.appendChild(c);
      var t1 = document.createElementNS(ns, 'text');
      t1.setAttribute('x', pos[k][0]); t1.setAttribute('y', pos[k][1] - 2);
      t1.textContent = s.site;
      g.appendChild(t1);
      var t2 = document.createElementNS(ns, 'text');
      t2.setAttribute('x', pos[k][0]); t2.setAttribute('y', pos[k][1] + 14);
      t2.setAttribute('style', 'font-size:10px');
      t2.textContent = engineOf(s) + ' · ' + (s.running ? 'RUNNING' : 'NOT RUNNING');
      g.appendChild(t2);
      svg.appendChild(g);
    });

    var body = $('sites-table').querySelector('tbody');
    body.textContent = '';
    sites.forEach(function (s) {
      var connectors = el('td');
      (s.connectors || []).forEach(function (c) {
        var line = el('div', { cls: 'connector', 'data-connector': c.name }, [c.type + ' ', badge(c.state), ' ']);
        (c.tasks || []).forEach(function (t) {
          line.appendChild(el('span', { cls: 'task', 'data-task-state': t.state, title: t.trace || t.workerId || '' },
            [' task ' + t.id + ' ', badge(t.state)]));
        });
        connectors.appendChild(line);
      });
      var cap = s.capture, log = s.binlog;
      var capText = cap ? (cap.slot + (cap.exists ? (cap.active ? ' active' : ' inactive') : ' missing') + ', retains '
        + bytes(cap.retainedBytes) + (cap.walStatus ? ' (' + cap.walStatus + ')' : ''))
        : log ? ('binlog ' + (log.captureFile || '?') + ':' + (log.capturePosition === null ? '?' : log.capturePosition)
          + ', ' + bytes(log.behindBytes) + ' behind ' + (log.serverFile || '?')
          + (log.captureFilePresent === false ? ', FILE PURGED' : '')) : null;
      var row = el('tr', { 'data-site': s.site, 'data-running': String(s.running),
        'data-retained-bytes': cap && cap.retainedBytes !== null ? String(cap.retainedBytes) : '' }, [
        cell(s.group), cell(s.site),
        el('td', {}, [badge(s.running ? 'RUNNING' : 'NOT RUNNING', s.running ? 'RUNNING' : 'bad')]),
        cell((s.database && s.database.address || '') + (s.database && !s.database.reachable ? ' — ' + (s.database.error || 'unreachable') : '')),
        connectors, cell(capText), cell(s.applied), cell(s.conflicts)]);
      body.appendChild(row);
    });

    var coord = $('coordinator');
    coord.textContent = '';
    var c = state.coordinator;
    if (!c || c.error) {
      coord.appendChild(el('p', { cls: 'muted', text: (c && c.error) || 'loading…' }));
    } else {
      coord.appendChild(el('p', {}, ['leader ', el('strong', { id: 'coordinator-leader', text: c.leader || 'none' }),
        ', term ' + c.term + ', commit index ' + c.commitIndex]));
      var t = el('table', { cls: 'grid', id: 'peers-table' }, [el('thead', {}, [el('tr', {}, ['peer', 'address', 'role', 'term', 'applied']
        .map(function (h) { return el('th', { text: h }); }))])]);
      var tb = el('tbody');
      (c.peers || []).forEach(function (p) {
        tb.appendChild(el('tr', {}, [cell(p.id), cell(p.address),
          el('td', {}, [badge(p.reachable ? p.role : 'unreachable', p.reachable ? (p.id === c.leader ? 'ok' : '') : 'bad')]),
          cell(p.term), cell(p.appliedIndex)]));
      });
      t.appendChild(tb);
      coord.appendChild(t);
    }
    var lb = $('leases-table').querySelector('tbody');
    lb.textContent = '';
    var leases = (state.leases && state.leases.leases) || [];
    leases.forEach(function (l) {
      lb.appendChild(el('tr', {}, [cell(l.group), cell(l.site), cell(l.partition), cell(l.holder), cell(l.epoch),
        cell(duration(l.expiresAtMillis - Date.now()))]));
    });
    if (state.leases && state.leases.error) {
      lb.appendChild(el('tr', {}, [el('td', { colspan: '6', cls: 'muted', text: state.leases.error })]));
    }
  }

  function engineOf(s) {
    var addr = (s.database && s.database.address) || '';
    var src = (s.connectors || []).filter(function (c) { return c.type === 'source'; })[0];
    if (s.capture) { return 'PostgreSQL'; }
    if (s.binlog) { return 'MariaDB'; }
    return src ? 'MariaDB/MySQL' : (addr ? 'database' : '?');
  }

  // ---- warnings ----
  function threshold(id) { var v = Number($(id).value); return isFinite(v) ? v : Infinity; }

  function renderWarnings() {
    var box = $('warnings');
    box.textContent = '';
    var sites = (state.status && state.status.sites) || [];
    var list = [];
    if (state.status && state.status.error) { list.push(['bad', 'status: ' + state.status.error]); }
    sites.forEach(function (s) {
      var id = siteId(s);
      // What the worker itself warns about (connectors or tasks not running, a database that does not
      // answer, slot or binlog retention) comes first; a worker too old to say is checked here.
      var server = Array.isArray(s.warnings);
      (s.warnings || []).forEach(function (w) {
        list.push([/lost|gone|FAILED|does not answer|UNASSIGNED/.test(w) ? 'bad' : 'warn', id + ': ' + w]);
      });
      if (!server && s.database && !s.database.reachable) { list.push(['bad', id + ': database unreachable — ' + (s.database.error || '')]); }
      (s.connectors || []).forEach(function (c) {
        if (!server && c.state !== 'RUNNING') { list.push(['bad', id + ': connector ' + c.name + ' is ' + c.state + (c.trace ? ' — ' + c.trace : '')]); }
        if (c.state === 'RUNNING' && (c.tasks || []).length === 0) { list.push(['bad', id + ': connector ' + c.name + ' has no tasks']); }
        (c.tasks || []).forEach(function (t) {
          if (!server && t.state !== 'RUNNING') { list.push(['bad', id + ': task ' + c.name + '-' + t.id + ' is ' + t.state + (t.trace ? ' — ' + t.trace : '')]); }
        });
      });
      if (s.lagMillis !== null && s.lagMillis > threshold('lag-threshold')) { list.push(['warn', id + ': lag ' + duration(s.lagMillis)]); }
      var behind = eventsBehind(s);
      if (behind !== null && behind > threshold('events-threshold')) { list.push(['warn', id + ': ' + behind + ' events not applied yet']); }
      var cap = s.capture;
      if (cap) {
        if (!cap.exists) { list.push(['bad', id + ': replication slot ' + cap.slot + ' does not exist']); }
        // The source's wal.warn.retained.mb when the status knows it (its warning above), else the page's field.
        var walLimit = cap.warnRetainedBytes ? cap.warnRetainedBytes : threshold('wal-threshold') * 1024 * 1024;
        if (cap.retainedBytes !== null && cap.retainedBytes !== undefined && cap.retainedBytes > walLimit && !cap.warning) {
          list.push(['warn', id + ': slot ' + cap.slot + ' retains ' + bytes(cap.retainedBytes) + ' of WAL' + (cap.active ? '' : ' (capture not connected)')]);
        }
        if ((cap.walStatus === 'unreserved' || cap.walStatus === 'lost') && !cap.warning) {
          list.push(['bad', id + ': slot ' + cap.slot + ' WAL status is ' + cap.walStatus]);
        }
      }
    });
    list.forEach(function (w) { box.appendChild(el('p', { cls: 'warning ' + w[0], text: w[1] })); });
  }

  // ---- charts ----
  function drawCharts() {
    if (!$('tab-lag').classList.contains('active')) { return; }
    var now = Date.now();
    var ids = Object.keys(history).sort();
    // The window grows with the history the page has, from one minute up to WINDOW_MS.
    var oldest = now;
    ids.forEach(function (id) { if (history[id].length) { oldest = Math.min(oldest, history[id][0].t); } });
    var windowMs = Math.min(WINDOW_MS, Math.max(60000, Math.ceil((now - oldest) / 60000) * 60000));
    function series(field) {
      return ids.map(function (id) {
        return { name: id, points: history[id].map(function (p) { return [p.t, p[field]]; }) };
      });
    }
    SynclineChart.draw($('chart-lag-ms'), series('lagMs'), { windowMs: windowMs, unit: 'ms', now: now });
    SynclineChart.draw($('chart-lag-events'), series('lagEvents'), { windowMs: windowMs, unit: '', now: now });
    SynclineChart.draw($('chart-rate'), series('rate'), { windowMs: windowMs, unit: '/s', now: now });
  }

  function renderOrigins() {
    var body = $('origins-table').querySelector('tbody');
    body.textContent = '';
    var now = Date.now();
    ((state.status && state.status.sites) || []).forEach(function (s) {
      var origins = (s.metrics && s.metrics.sink && s.metrics.sink.origins) || {};
      Object.keys(origins).sort().forEach(function (o) {
        var m = origins[o];
        var at = m.appliedCommitTimeMillis;
        body.appendChild(el('tr', {}, [cell(s.group), cell(s.site), cell(o), cell(m.transactionsApplied),
          cell(at > 0 ? new Date(at).toISOString() : null), cell(at > 0 ? duration(now - at) : null)]));
      });
    });
  }

  // ---- conflicts ----
  function loadConflicts() {
    var table = $('filter-table').value.trim();
    api('conflicts?limit=500' + (table ? '&table=' + encodeURIComponent(table) : '')).then(function (body) {
      state.conflicts = body.conflicts || [];
      fillFilter('filter-type', state.conflicts.map(function (c) { return c.type; }));
      fillFilter('filter-rule', state.conflicts.map(function (c) { return c.rule; }));
      fillFilter('filter-site', state.conflicts.map(function (c) { return c.site; }));
      var unreachable = (body.sites || []).filter(function (s) { return !s.reachable; });
      $('conflicts-note').textContent = unreachable.map(function (s) { return s.group + '/' + s.site + ': ' + s.error; }).join('; ');
      renderConflicts();
    }).catch(function (e) { $('conflicts-note').textContent = 'conflicts: ' + e.message; });
  }

  function fillFilter(id, values) {
    var select = $(id);
    var chosen = select.value;
    var seen = {};
    Array.prototype.forEach.call(select.options, function (o) { seen[o.value] = true; });
    values.filter(function (v) { return v && !seen[v]; }).sort().forEach(function (v) {
      seen[v] = true;
      select.appendChild(el('option', { value: v, text: v }));
    });
    select.value = chosen;
  }

  function renderConflicts() {
    var type = $('filter-type').value, rule = $('filter-rule').value, site = $('filter-site').value;
    var status = $('filter-status').value, since = Number($('filter-since').value || 0);
    var from = since ? Date.now() - since * 60000 : 0;
    var body = $('conflicts-table').querySelector('tbody');
    body.textContent = '';
    state.conflicts.filter(function (c) {
      return (!type || c.type === type) && (!rule || c.rule === rule) && (!site || c.site === site)
        && (!status || c.status === status) && (!from || Date.parse(c.detectedAt) >= from);
    }).forEach(function (c) {
      var tr = el('tr', { 'data-conflict': c.id, 'data-site': c.site, 'data-key': c.pk, 'data-status': c.status || '' }, [
        cell(c.detectedAt), cell(c.site), cell(c.table), cell(c.pk), cell(c.type), cell(c.rule), cell(c.winner),
        cell((c.origins || []).join(' vs ')), el('td', {}, [badge(c.status || 'resolved', c.status === 'parked' ? 'warn' : 'ok')])]);
      if (state.selected && state.selected.id === c.id && state.selected.site === c.site) { tr.classList.add('selected'); }
      tr.addEventListener('click', function () { showConflict(c); });
      body.appendChild(tr);
    });
  }

  function parseRow(text) {
    if (text === null || text === undefined) { return null; }
    try { return typeof text === 'string' ? JSON.parse(text) : text; } catch (e) { return { '(unreadable)': String(text) }; }
  }

  function show(v) { return v === undefined ? '' : v === null ? 'NULL' : typeof v === 'object' ? JSON.stringify(v) : String(v); }

  function showConflict(c) {
    state.selected = { id: c.id, site: c.site, group: c.group };
    renderConflicts();
    $('conflict-message').textContent = '';
    api('conflicts/' + c.id + '?site=' + encodeURIComponent(c.site) + '&group=' + encodeURIComponent(c.group)).then(function (d) {
      $('conflict-detail').hidden = false;
      $('conflict-title').textContent = d.type + ' on ' + d.table + ' key ' + d.pk + ' at site ' + d.site + ' (#' + d.id + ')';
      $('conflict-meta').textContent = 'rule ' + d.rule + ', winner ' + d.winner + ', status ' + d.status
        + (d.settledBy ? ' (' + d.settledBy + ')' : '') + ' · local ' + d.local.origin + ' ' + d.local.vv + ' @ ' + d.local.hlcTime
        + ' · incoming ' + d.incoming.origin + ' ' + d.incoming.vv + ' @ ' + d.incoming.hlcTime + ' · result ' + d.result.vv;
      var local = parseRow(d.local.row), incoming = parseRow(d.incoming.row), result = parseRow(d.result.row);
      var columns = [];
      [local, incoming, result].forEach(function (r) {
        Object.keys(r || {}).forEach(function (k) { if (columns.indexOf(k) < 0) { columns.push(k); } });
      });
      var body = $('conflict-versions').querySelector('tbody');
      body.textContent = '';
      if (d.local.deleted || d.incoming.deleted || d.result.deleted) {
        body.appendChild(el('tr', {}, [cell('(row)'), cell(d.local.deleted ? 'deleted' : 'present'),
          cell(d.incoming.deleted ? 'deleted' : 'present'), cell(d.result.deleted ? 'deleted' : 'present')]));
      }
      columns.forEach(function (k) {
        var lv = show(local && local[k]), iv = show(incoming && incoming[k]);
        var differs = (local && incoming) ? lv !== iv : false;
        var rv = result ? show(result[k]) : '';
        var tr = el('tr', { 'data-column': k, 'data-differs': String(differs) }, [cell(k),
          cell(local ? lv : '', differs ? 'diff local' : 'local'), cell(incoming ? iv : '', differs ? 'diff incoming' : 'incoming'),
          cell(rv, 'result')]);
        body.appendChild(tr);
      });
      var parked = d.status === 'parked';
      $('conflict-actions').hidden = !parked;
      $('edit-box').hidden = true;
      $('edit-json').value = JSON.stringify(incoming || local || {}, null, 2);
      state.detail = d;
    }).catch(function (e) { $('conflict-message').textContent = e.message; $('conflict-message').className = 'message-bad'; });
  }

  function resolve(keep, body) {
    var d = state.detail;
    if (!d) { return; }
    var buttons = document.querySelectorAll('#conflict-actions button');
    buttons.forEach(function (b) { b.disabled = true; });
    api('conflicts/' + d.id + '/resolve?site=' + encodeURIComponent(d.site) + '&group=' + encodeURIComponent(d.group)
      + '&keep=' + keep, { method: 'POST', body: body || '', headers: { 'Content-Type': 'text/plain; charset=utf-8', Accept: 'application/json' } })
      .then(function (r) {
        $('conflict-message').textContent = 'settled: kept ' + r.kept + ' (' + r.written + ' written at site ' + r.site
          + '; every site applies it)';
        $('conflict-message').className = 'message-ok';
        $('conflict-actions').hidden = true;
        loadConflicts();
      }).catch(function (e) {
        $('conflict-message').textContent = 'not settled: ' + e.message;
        $('conflict-message').className = 'message-bad';
      }).finally(function () { buttons.forEach(function (b) { b.disabled = false; }); });
  }

  // ---- dead letters ----
  function loadDeadLetters() {
    var values = $('show-values').checked;
    var box = $('deadletters');
    api('deadletters?limit=200' + (values ? '&values=true' : '')).then(function (body) {
      box.textContent = '';
      (body.sites || []).forEach(function (s) { box.appendChild(siteLetters(s, values)); });
    }).catch(function (e) { box.textContent = 'dead letters: ' + e.message; });
  }

  function siteLetters(s, values) {
    var div = el('div', { cls: 'site-letters', 'data-site': s.site });
    var replay = el('button', { type: 'button', cls: 'primary replay', 'data-site': s.site, text: 'Replay ' + s.site + '\u2019s dead letters' });
    var message = el('span', { cls: 'replay-message', role: 'status' });
    replay.addEventListener('click', function () {
      replay.disabled = true;
      message.textContent = 'replaying…';
      api('deadletters/replay?site=' + encodeURIComponent(s.site) + '&group=' + encodeURIComponent(s.group), { method: 'POST' })
        .then(function (r) {
          message.textContent = 'replayed ' + r.replayed + ' changes onto ' + r.changesTopic
            + (r.left ? ' (' + r.left + ' records that are not changes left alone)' : '');
          message.className = 'replay-message message-ok';
          setTimeout(loadDeadLetters, 3000);
        }).catch(function (e) {
          message.textContent = 'replay failed: ' + e.message;
          message.className = 'replay-message message-bad';
        }).finally(function () { replay.disabled = false; });
    });
    div.appendChild(el('h3', {}, [s.group + '/' + s.site + ' ', el('span', { cls: 'muted', text: s.topic + ' · '
      + (s.reachable ? (s.topicExists ? s.total + (s.total === 1 ? ' record' : ' records') : 'nothing set aside')
        : 'unreadable: ' + s.error) })]));
    var table = el('table', { cls: 'grid deadletters-table' }, [el('thead', {}, [el('tr', {},
      ['time', 'table', 'key', 'op', 'origin', 'dot', 'vector', 'reason', 'held now', 'values']
        .map(function (h) { return el('th', { text: h }); }))])]);
    var tb = el('tbody');
    (s.deadLetters || []).slice().reverse().forEach(function (d) {
      var valueCell = d.unreadable ? cell('') : values ? cell(d.columns) : el('td', { cls: 'masked', text: 'hidden' });
      tb.appendChild(el('tr', { 'data-key': d.key || d.recordKey || '', 'data-held': String(d.held) }, [
        cell(d.time), cell(d.table || '(not a change)'), cell(d.key || d.recordKey), cell(d.op), cell(d.origin), cell(d.dot),
        cell(d.vv), cell(d.reason || d.unreadable),
        el('td', {}, [d.held === true ? badge('applied', 'ok') : d.held === false ? badge('pending', 'warn') : document.createTextNode('—')]),
        valueCell]));
    });
    if (!(s.deadLetters || []).length) {
      tb.appendChild(el('tr', {}, [el('td', { colspan: '10', cls: 'muted', text: s.reachable ? 'no refused changes' : s.error })]));
      replay.disabled = true;
    }
    table.appendChild(tb);
    div.appendChild(table);
    div.appendChild(replay);
    div.appendChild(message);
    return div;
  }

  // ---- row history ----
  function lookupRow(ev) {
    ev.preventDefault();
    var table = $('row-table').value.trim(), key = $('row-key').value;
    api('rows/' + encodeURIComponent(table) + '?key=' + encodeURIComponent(key)).then(function (r) {
      $('row-verdict').textContent = r.identical ? 'every site holds the same version' : 'the sites hold different versions (or some did not answer)';
      $('row-verdict').className = r.identical ? 'message-ok' : 'message-bad';
      var body = $('row-table-result').querySelector('tbody');
      body.textContent = '';
      (r.sites || []).forEach(function (s) {
        body.appendChild(el('tr', { 'data-site': s.site }, s.reachable ? [cell(s.group), cell(s.site), cell(s.found ? 'yes' : 'no'),
          cell(s.vv), cell(s.origin), cell(s.seq), cell(s.hlc), cell(s.hlcTime), cell(s.found ? (s.deleted ? 'yes' : 'no') : null)]
          : [cell(s.group), cell(s.site), el('td', { colspan: '7', cls: 'message-bad', text: s.error })]));
      });
    }).catch(function (e) { $('row-verdict').textContent = e.message; $('row-verdict').className = 'message-bad'; });
  }

  // ---- wiring ----
  document.querySelectorAll('.window-minutes').forEach(function (e) { e.textContent = String(WINDOW_MS / 60000); });
  window.addEventListener('hashchange', showTab);
  ['filter-type', 'filter-rule', 'filter-site', 'filter-status', 'filter-since'].forEach(function (id) {
    $(id).addEventListener('change', renderConflicts);
  });
  $('filter-table').addEventListener('change', loadConflicts);
  $('conflict-filters').addEventListener('submit', function (e) { e.preventDefault(); loadConflicts(); });
  $('keep-local').addEventListener('click', function () { resolve('local'); });
  $('keep-incoming').addEventListener('click', function () { resolve('incoming'); });
  $('edit-row').addEventListener('click', function () { $('edit-box').hidden = !$('edit-box').hidden; });
  $('save-edit').addEventListener('click', function () {
    try { JSON.parse($('edit-json').value); } catch (e) {
      $('conflict-message').textContent = 'the edited row is not JSON: ' + e.message;
      $('conflict-message').className = 'message-bad';
      return;
    }
    resolve('edit', $('edit-json').value);
  });
  $('show-values').addEventListener('change', loadDeadLetters);
  $('row-form').addEventListener('submit', lookupRow);
  setInterval(function () {
    if ($('tab-conflicts').classList.contains('active')) { loadConflicts(); }
  }, 5000);
  showTab();
  poll();
}());
