// Message list behaviour that Blazor events cannot express on their own (progressive enhancement: the list,
// its checkboxes and buttons work without it).
// - Ctrl/Cmd-click or Shift-click on a row selects instead of opening: the click is turned into a click on
//   the row's checkbox with the same modifier keys (the circuit does the selecting).
// - Dragging rows: dataTransfer gets a payload (Firefox starts no drag without one) and folders light up
//   under the pointer; the move itself runs in the circuit (ListDrag).
// - Gmail-like keyboard shortcuts, ignored while typing in a field (in the single-message reader j/k/e/#/s act on
//   the open message through its ReaderActions controls); "?" opens the help overlay
//   (ShortcutHelp.razor), a modal dialog with Tab kept inside and Esc to close.
(function () {
    'use strict';

    // Rows of the message list and of the conversation list, and the link that opens each.
    var ROWS = '.messages .row[data-uid], [data-testid=conversation-list] .row[data-thread]';
    var LINKS = 'a.message, a.conversation';
    var cursorKey = null;
    var cursorIndex = -1;
    var pendingG = 0;

    function rows() {
        return Array.prototype.slice.call(document.querySelectorAll(ROWS));
    }

    function keyOf(row) {
        return row.dataset.thread || (row.dataset.folder + '\u0000' + row.dataset.uid);
    }

    function cursorRow() {
        var list = rows();
        var focused = document.activeElement && document.activeElement.closest ? document.activeElement.closest(ROWS) : null;
        if (focused) { return { row: focused, list: list, index: list.indexOf(focused) }; }
        for (var i = 0; i < list.length; i++) {
            if (keyOf(list[i]) === cursorKey) { return { row: list[i], list: list, index: i }; }
        }
        if (cursorIndex >= 0 && list.length > 0) {
            var at = Math.min(cursorIndex, list.length - 1);
            return { row: list[at], list: list, index: at };
        }
        return { row: null, list: list, index: -1 };
    }

    function moveCursor(step) {
        var c = cursorRow();
        if (c.list.length === 0) { return; }
        var next = c.index < 0 ? 0 : Math.max(0, Math.min(c.list.length - 1, c.index + step));
        setCursor(c.list[next], next);
    }

    function setCursor(row, index) {
        document.querySelectorAll('.row.cursor').forEach(function (r) { r.classList.remove('cursor'); });
        row.classList.add('cursor');
        cursorKey = keyOf(row);
        cursorIndex = index;
        var link = row.querySelector(LINKS);
        if (link) { link.focus({ preventScroll: true }); }
        row.scrollIntoView({ block: 'nearest' });
    }

    function click(selector, root) {
        var el = (root || document).querySelector(selector);
        if (el) { el.click(); return true; }
        return false;
    }

    function hasSelection() {
        return document.querySelector('[data-testid=selected-count]') !== null;
    }

    // On the selection when there is one, else on the row under the cursor.
    function rowAction(bulk, action, when) {
        if (hasSelection()) { return click('[data-bulk=' + bulk + ']'); }
        var c = cursorRow();
        if (!c.row || (when && !when(c.row))) { return false; }
        cursorIndex = c.index;
        return click('[data-action=' + action + ']', c.row);
    }

    function navigate(url) {
        if (window.Blazor && window.Blazor.navigateTo) { window.Blazor.navigateTo(url); } else { location.href = url; }
    }

    function helpDialog() {
        return document.getElementById('shortcut-help');
    }

    function openHelp() {
        var dialog = helpDialog();
        if (dialog && !dialog.open) {
            dialog.showModal();
            var close = dialog.querySelector('[data-close-help]');
            if (close) { close.focus(); }
        }
    }

    function isTyping(target) {
        if (!target || !target.closest) { return false; }
        return target.isContentEditable || target.closest('input, textarea, select, [contenteditable=""], [contenteditable=true]') !== null;
    }

    function onKey(e) {
        var dialog = helpDialog();
        if (dialog && dialog.open) {
            if (e.key === 'Escape') { e.preventDefault(); dialog.close(); }
            else if (e.key === 'Tab') { trapTab(dialog, e); }
            return;
        }
        if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented || isTyping(e.target)) { return; }
        if (pendingG && Date.now() - pendingG < 1500) {
            pendingG = 0;
            if (e.key === 'i') { e.preventDefault(); navigate('mail'); }
            return;
        }
        pendingG = 0;
        var handled = true;
        var reader = document.querySelector('[data-testid=message-view], [data-testid=conversation-view]');
        // The single-message reader (no list rows on the page): its ReaderActions controls take the row keys.
        var single = reader && rows().length === 0 ? document.querySelector('[data-testid=reader-actions]') : null;
        if (single && readerKey(e.key, single)) {
            e.preventDefault();
            return;
        }
        switch (e.key) {
            case 'j': moveCursor(1); break;
            case 'k': moveCursor(-1); break;
            case 'o':
            case 'Enter': {
                var c = cursorRow();
                handled = !!c.row && click(LINKS, c.row);
                break;
            }
            case 'u': handled = !!reader && click('[data-testid=back-to-list], .reader .back'); break;
            case 'c': handled = click('[data-testid=compose-new]'); break;
            case 'r': handled = click('[data-testid=reply]'); break;
            case 'a': handled = click('[data-testid=reply-all]'); break;
            case 'f': handled = click('[data-testid=forward]'); break;
            case 'e': handled = rowAction('archive', 'archive'); break;
            case '#': handled = rowAction('delete', 'delete'); break;
            case 's': handled = rowAction('star', 'star'); break;
            case 'I': handled = rowAction('read', 'read', function (r) { return r.classList.contains('unread'); }); break;
            case 'U': handled = rowAction('unread', 'read', function (r) { return r.classList.contains('seen'); }); break;
            case 'x': {
                var x = cursorRow();
                handled = !!x.row && click('input.select', x.row);
                break;
            }
            case '/': {
                var search = document.getElementById('list-search');
                handled = !!search;
                if (search) { search.focus(); search.select(); }
                break;
            }
            case 'g': pendingG = Date.now(); break;
            case '?': openHelp(); break;
            case 'Escape': handled = click('[data-bulk=clear]'); break;
            default: handled = false;
        }
        if (handled) { e.preventDefault(); }
    }

    // j/k: next/previous message of the list the message was opened from; e: archive; #: delete; s: star or unstar.
    // At an end of the list j/k show its notice and go nowhere. False when the key is not one of them (or its control
    // is missing): the common keys (r, a, f, u, ?...) still apply.
    var READER_KEYS = { j: 'next', k: 'previous', e: 'archive', '#': 'delete', s: 'star' };

    function readerKey(key, actions) {
        var action = READER_KEYS[key];
        if (!action) { return false; }
        if (click('[data-reader-action=' + action + ']:not([disabled])', actions)) { return true; }
        var end = actions.querySelector('[data-reader-end=' + action + ']');
        if (!end) { return false; }
        actions.querySelectorAll('[data-reader-end]').forEach(function (n) { n.hidden = n !== end; });
        return true;
    }

    function trapTab(dialog, e) {
        var focusable = Array.prototype.slice.call(dialog.querySelectorAll('button, a[href], input, select, textarea, [tabindex]:not([tabindex="-1"])'));
        if (focusable.length === 0) { e.preventDefault(); return; }
        var first = focusable[0];
        var last = focusable[focusable.length - 1];
        var inside = dialog.contains(document.activeElement);
        if (e.shiftKey && (document.activeElement === first || !inside)) { e.preventDefault(); last.focus(); }
        else if (!e.shiftKey && (document.activeElement === last || !inside)) { e.preventDefault(); first.focus(); }
    }

    document.addEventListener('keydown', onKey);

    document.addEventListener('click', function (e) {
        var t = e.target;
        if (!t || !t.closest) { return; }
        if (t.closest('[data-close-help]')) {
            var dialog = helpDialog();
            if (dialog) { dialog.close(); }
            return;
        }
        if (t.closest('[data-open-help]')) { openHelp(); return; }
        var link = t.closest('.messages .row[data-uid] a.message');
        if (link && (e.ctrlKey || e.metaKey || e.shiftKey)) {
            e.preventDefault();
            e.stopPropagation();
            var box = link.closest('.row').querySelector('input.select');
            if (box) {
                box.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, ctrlKey: e.ctrlKey, metaKey: e.metaKey, shiftKey: e.shiftKey }));
            }
        }
    }, true);

    document.addEventListener('dragstart', function (e) {
        var row = e.target && e.target.closest ? e.target.closest('.messages .row[data-uid]') : null;
        if (row && e.dataTransfer) {
            e.dataTransfer.effectAllowed = 'move';
            e.dataTransfer.setData('text/plain', row.dataset.uid);
        }
    });

    function folderTarget(e) {
        return e.target && e.target.closest ? e.target.closest('[data-testid=folder-list] a.folder') : null;
    }

    document.addEventListener('dragover', function (e) {
        var folder = folderTarget(e);
        if (folder && e.dataTransfer) { e.dataTransfer.dropEffect = 'move'; }
    });

    document.addEventListener('dragenter', function (e) {
        var folder = folderTarget(e);
        if (folder) { folder.classList.add('drop-target'); }
    });

    document.addEventListener('dragleave', function (e) {
        var folder = folderTarget(e);
        if (folder && !folder.contains(e.relatedTarget)) { folder.classList.remove('drop-target'); }
    });

    ['drop', 'dragend'].forEach(function (type) {
        document.addEventListener(type, function () {
            document.querySelectorAll('.drop-target').forEach(function (f) { f.classList.remove('drop-target'); });
        });
    });
})();
