namespace Mail.Web.Webmail;

/// <summary>
/// The <c>Mail:Webmail:PdfPreview</c> configuration section: limits of the PDF attachment previews, which poppler's
/// <c>pdfinfo</c> and <c>pdftoppm</c> (Debian <c>poppler-utils</c>) render to PNG in a child process, so no PDF
/// script or viewer ever runs in the webmail's origin. Each limit maps to a <see cref="WebmailPdfPreviewFailure"/>.
/// </summary>
public sealed class WebmailPdfPreviewOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Mail:Webmail:PdfPreview";

    /// <summary>Largest PDF previewed, in octets (decoded); default 20 MiB. Bigger: <see cref="WebmailPdfPreviewFailure.TooLarge"/>.</summary>
    public long MaxOctets { get; set; } = 20L * 1024 * 1024;

    /// <summary>Pages shown, from the first; default 10 (1..100). The reader says how many more the PDF has.</summary>
    public int MaxPages { get; set; } = 10;

    /// <summary>Longest side of a rendered page, in pixels (<c>pdftoppm -scale-to</c>); default 1200 (100..4000).</summary>
    public int PagePixels { get; set; } = 1200;

    /// <summary>Longest a tool may run for one request, in seconds; default 15. Then it is killed: <see cref="WebmailPdfPreviewFailure.TimedOut"/>.</summary>
    public int TimeoutSeconds { get; set; } = 15;

    /// <summary>Largest PNG accepted from <c>pdftoppm</c>, in octets; default 8 MiB. Bigger: <see cref="WebmailPdfPreviewFailure.TooLarge"/>.</summary>
    public int MaxPageOctets { get; set; } = 8 * 1024 * 1024;

    /// <summary>Renderings running at once on this node (each one a process); default 2. Further requests wait up to <see cref="TimeoutSeconds"/>, then <see cref="WebmailPdfPreviewFailure.Busy"/>.</summary>
    public int MaxConcurrent { get; set; } = 2;

    /// <summary>
    /// Octets this node keeps of decoded PDF parts and rendered pages (<see cref="WebmailPreviewCache"/>), so paging
    /// through a document fetches its message once; default 64 MiB, 0 turns the cache off. An entry bigger than this is not kept.
    /// </summary>
    public long CacheOctets { get; set; } = 64L * 1024 * 1024;

    /// <summary>Minutes a cached part or page is kept after its last use (sliding; also dropped at sign-out); default 10.</summary>
    public int CacheMinutes { get; set; } = 10;

    /// <summary>The <c>pdftoppm</c> executable (a name looked up in PATH, or a path); default <c>pdftoppm</c>.</summary>
    public string PdfToPpm { get; set; } = "pdftoppm";

    /// <summary>The <c>pdfinfo</c> executable (a name looked up in PATH, or a path); default <c>pdfinfo</c>.</summary>
    public string PdfInfo { get; set; } = "pdfinfo";
}

/// <summary>Why a PDF preview is not shown.</summary>
public enum WebmailPdfPreviewFailure
{
    /// <summary>The PDF is over <see cref="WebmailPdfPreviewOptions.MaxOctets"/> (or a page over <see cref="WebmailPdfPreviewOptions.MaxPageOctets"/>).</summary>
    TooLarge,

    /// <summary>The bytes are no PDF, or poppler cannot read them (damaged, encrypted).</summary>
    Unreadable,

    /// <summary>The tool ran longer than <see cref="WebmailPdfPreviewOptions.TimeoutSeconds"/> and was killed.</summary>
    TimedOut,

    /// <summary><see cref="WebmailPdfPreviewOptions.MaxConcurrent"/> renderings were running for the whole timeout.</summary>
    Busy,

    /// <summary>The tool is not installed (or cannot be started).</summary>
    ToolMissing,

    /// <summary>The page number is outside the document (or beyond <see cref="WebmailPdfPreviewOptions.MaxPages"/>).</summary>
    NoSuchPage,
}

/// <summary>A preview outcome: the page count (<see cref="WebmailPdfPreviewer.CountPagesAsync(byte[], CancellationToken)"/>) or a page's PNG (<see cref="WebmailPdfPreviewer.RenderPageAsync(byte[], int, CancellationToken)"/>), or why not.</summary>
/// <param name="Failure">Null when it worked.</param>
/// <param name="Pages">Pages in the document (0 on failure or when only a page was rendered).</param>
/// <param name="Png">The rendered page, for <see cref="WebmailPdfPreviewer.RenderPageAsync(byte[], int, CancellationToken)"/>.</param>
public sealed record WebmailPdfPreview(WebmailPdfPreviewFailure? Failure, int Pages = 0, byte[]? Png = null)
{
    /// <summary>A failed preview.</summary>
    public static WebmailPdfPreview Failed(WebmailPdfPreviewFailure failure) => new(failure);
}
