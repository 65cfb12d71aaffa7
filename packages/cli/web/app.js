// The page of the application server. It talks only to that server: the list, presigned
// playback URLs and deletions come from /api/*, so no OSS credentials ever reach the browser.

const tbody = document.querySelector('#videos tbody');
const emptyNote = document.getElementById('empty');
const errorNote = document.getElementById('error');
const player = document.getElementById('player');
const playerBox = document.getElementById('player-box');
const nowPlaying = document.getElementById('now-playing');
const playerNote = document.getElementById('player-note');

let playingKey = null;
let hls = null;

function formatBytes(bytes) {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

function showError(message) {
  errorNote.textContent = message;
  errorNote.hidden = message === '';
}

async function api(method, path) {
  const response = await fetch(path, { method });
  const body = await response.json();
  if (!response.ok) throw new Error(body.message || `${response.status} ${response.statusText}`);
  return body;
}

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function button(label, className, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.className = className;
  b.addEventListener('click', onClick);
  return b;
}

function renderRow(video) {
  const tr = document.createElement('tr');
  tr.dataset.key = video.key;
  if (video.key === playingKey) tr.className = 'selected';
  tr.append(
    cell(video.camera),
    cell(video.name, 'name'),
    cell(video.kind === 'hls' ? 'HLS' : video.type),
    cell(formatBytes(video.size), 'num'),
    cell(new Date(video.lastModified).toLocaleString()),
  );

  const state = cell('');
  const badge = document.createElement('span');
  badge.className = video.growing ? 'badge growing' : 'badge';
  badge.textContent = video.growing ? 'growing' : 'complete';
  state.append(badge);
  tr.append(state);

  const actions = cell('');
  if (video.playable) actions.append(button('Play', 'play', () => play(video)));
  actions.append(button('Delete', 'delete', () => remove(video)));
  tr.append(actions);
  return tr;
}

async function refresh() {
  try {
    const { bucket, prefix, videos } = await api('GET', '/api/videos');
    document.getElementById('where').textContent = `oss://${bucket}/${prefix}`;
    tbody.replaceChildren(...videos.map(renderRow));
    emptyNote.hidden = videos.length > 0;
    showError('');
  } catch (error) {
    showError(`Could not list the videos: ${error.message}`);
  }
}

function stopPlayer() {
  if (hls) {
    hls.destroy();
    hls = null;
  }
  player.removeAttribute('src');
  player.load();
}

async function play(video) {
  try {
    const source = await api('GET', `/api/play?key=${encodeURIComponent(video.key)}`);
    stopPlayer();
    playingKey = video.key;
    playerBox.hidden = false;
    nowPlaying.textContent = `${video.camera} / ${video.name}`;
    playerNote.textContent = video.kind === 'hls' ? 'HLS through hls.js' : 'Presigned URL';

    if (source.kind === 'hls' && window.Hls && window.Hls.isSupported()) {
      hls = new window.Hls({ liveDurationInfinity: true });
      hls.on(window.Hls.Events.ERROR, (_event, data) => {
        if (data.fatal) showError(`Playback failed: ${data.details}`);
      });
      hls.loadSource(source.url);
      hls.attachMedia(player);
    } else {
      // Safari plays HLS natively; every browser plays MP4/WebM from a URL.
      player.src = source.url;
    }
    await player.play().catch(() => {});
    await refresh();
  } catch (error) {
    showError(`Could not play ${video.name}: ${error.message}`);
  }
}

async function remove(video) {
  if (!window.confirm(`Delete ${video.camera}/${video.name}?`)) return;
  try {
    if (video.key === playingKey) {
      stopPlayer();
      playerBox.hidden = true;
      playingKey = null;
    }
    await api('DELETE', `/api/videos?key=${encodeURIComponent(video.key)}`);
    await refresh();
  } catch (error) {
    showError(`Could not delete ${video.name}: ${error.message}`);
  }
}

refresh();
setInterval(refresh, 3000);
