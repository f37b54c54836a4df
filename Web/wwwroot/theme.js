// Tells the server the browser's time zone (mail.tz cookie, read by WebmailClientTimeZone for invitation times).
(function () {
    'use strict';
    // Called by interactive components over JS interop (the circuit has no request cookies to read).
    window.mailTimeZone = function () {
        try { return Intl.DateTimeFormat().resolvedOptions().timeZone || ''; } catch (e) { return ''; }
    };
    try {
        var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
        if (zone && document.cookie.indexOf('mail.tz=' + encodeURIComponent(zone)) < 0) {
            document.cookie = 'mail.tz=' + encodeURIComponent(zone) + '; path=/; SameSite=Lax; max-age=31536000';
        }
    } catch (e) {
        // No Intl support: times stay in UTC.
    }
})();
