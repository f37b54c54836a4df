// Composer behaviour (progressive enhancement: without it the form still saves and sends as plain text).
// - Rich text: a contenteditable editor with a small toolbar; its HTML goes into the hidden "Html" field on
//   every change (the server sanitizes it and derives the text alternative).
// - Attachments: files dropped on the form are added to the file input and saved into the draft at once.
// - Autosave: every few seconds after a change, the form is posted in the background with Action=save; the
//   returned page's draft state (draft UID, attachment list) replaces the current one.
(function () {
    'use strict';

    function initComposer() {
        var form = document.getElementById('compose-form');
        if (!form || form.dataset.ready === '1') { return; }
        form.dataset.ready = '1';

        var tz = form.querySelector('.tz-offset');
        if (tz) { tz.value = String(new Date().getTimezoneOffset()); }

        var editor = form.querySelector('.rich-editor');
        var toolbar = form.querySelector('.editor-toolbar');
        var htmlField = form.querySelector('textarea[name="Html"]');
        var textField = form.querySelector('textarea[name="Text"]');
        var dirty = false;
        var saving = false;

        function isRich() {
            var checked = form.querySelector('input[name="Format"]:checked');
            return checked && checked.value === 'html';
        }

        function syncEditor() {
            if (isRich()) { htmlField.value = editor.innerHTML; }
        }

        function textToHtml(text) {
            var div = document.createElement('div');
            div.textContent = text;
            return div.innerHTML.replace(/\n/g, '<br>');
        }

        function showFormat() {
            var rich = isRich();
            editor.hidden = !rich;
            toolbar.hidden = !rich;
            textField.hidden = rich;
        }

        editor.innerHTML = htmlField.value;
        showFormat();

        form.querySelectorAll('input[name="Format"]').forEach(function (radio) {
            radio.addEventListener('change', function () {
                if (isRich()) {
                    if (!editor.innerHTML.trim() && textField.value.trim()) { editor.innerHTML = textToHtml(textField.value); }
                    syncEditor();
                } else if (!textField.value.trim() && editor.innerText.trim()) {
                    textField.value = editor.innerText;
                }
                showFormat();
                dirty = true;
            });
        });

        toolbar.addEventListener('click', function (e) {
            var button = e.target.closest('button[data-command]');
            if (!button) { return; }
            e.preventDefault();
            editor.focus();
            var command = button.dataset.command;
            if (command === 'createLink') {
                var url = window.prompt('Link address (https://…)');
                if (!url || !/^(https?:|mailto:)/i.test(url.trim())) { return; }
                document.execCommand('createLink', false, url.trim());
            } else {
                document.execCommand(command, false, button.dataset.value || null);
            }
            syncEditor();
            dirty = true;
        });

        editor.addEventListener('input', function () { syncEditor(); dirty = true; });
        form.addEventListener('input', function (e) { if (e.target !== editor) { dirty = true; } });
        form.addEventListener('submit', function () { syncEditor(); dirty = false; });

        // Drag and drop: add the files to the input, then save the draft so they are stored.
        var files = form.querySelector('input[type="file"][name="Files"]');
        form.addEventListener('dragover', function (e) {
            if (e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types, 'Files') >= 0) {
                e.preventDefault();
                form.classList.add('dragging');
            }
        });
        form.addEventListener('dragleave', function (e) {
            if (e.target === form) { form.classList.remove('dragging'); }
        });
        form.addEventListener('drop', function (e) {
            if (!e.dataTransfer || e.dataTransfer.files.length === 0) { return; }
            e.preventDefault();
            form.classList.remove('dragging');
            var transfer = new DataTransfer();
            Array.prototype.forEach.call(files.files, function (f) { transfer.items.add(f); });
            Array.prototype.forEach.call(e.dataTransfer.files, function (f) { transfer.items.add(f); });
            files.files = transfer.files;
            save();
        });
        files.addEventListener('change', function () { if (files.files.length > 0) { save(); } });

        function save() {
            if (saving) { return; }
            saving = true;
            syncEditor();
            var data = new FormData(form);
            data.set('Action', 'save');
            fetch(form.getAttribute('action') || window.location.href, { method: 'POST', body: data, credentials: 'same-origin' })
                .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
                .then(function (html) {
                    var doc = new DOMParser().parseFromString(html, 'text/html');
                    var fresh = doc.getElementById('draft-state');
                    var current = document.getElementById('draft-state');
                    if (fresh && current) {
                        current.innerHTML = fresh.innerHTML;
                        var tzField = current.querySelector('.tz-offset');
                        if (tzField) { tzField.value = String(new Date().getTimezoneOffset()); }
                        files.value = '';
                        dirty = false;
                    }
                })
                .catch(function () { /* keep dirty; the next tick retries */ })
                .then(function () { saving = false; });
        }

        var seconds = parseInt(form.dataset.autosaveSeconds || '15', 10);
        window.setInterval(function () { if (dirty && document.body.contains(form)) { save(); } }, seconds * 1000);
    }

    function init() { initComposer(); }

    if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', init); } else { init(); }
    if (window.Blazor && window.Blazor.addEventListener) { window.Blazor.addEventListener('enhancedload', init); }
    document.addEventListener('enhancedload', init);
})();
