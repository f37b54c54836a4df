using System.Text;

namespace Mail.Web.Tests.Web.Webmail.Reader;

/// <summary>Small PDFs written by hand for the preview tests: a valid one (exact xref offsets) and damaged ones.</summary>
internal static class TestPdf
{
    /// <summary>
    /// A valid PDF 1.4 with <paramref name="pages"/> pages of 200x100 points, each saying "Page n" in Helvetica; with
    /// <paramref name="padding"/>, an unreferenced stream object of that many hex digits makes it as big as a real document.
    /// </summary>
    public static byte[] Valid(int pages, int padding = 0)
    {
        // Objects: 1 catalog, 2 page tree, 3 font, then per page a page object and its content stream.
        var objects = new List<string>
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [" + string.Join(' ', Enumerable.Range(0, pages).Select(p => $"{4 + (2 * p)} 0 R")) + $"] /Count {pages} >>",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        };
        for (var p = 0; p < pages; p++)
        {
            var text = $"BT /F1 24 Tf 20 40 Td (Page {p + 1}) Tj ET";
            objects.Add($"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents {5 + (2 * p)} 0 R /Resources << /Font << /F1 3 0 R >> >> >>");
            objects.Add($"<< /Length {text.Length} >>\nstream\n{text}\nendstream");
        }
        if (padding > 0)
        {
            var filler = new StringBuilder(padding);
            var random = new Random(padding);
            while (filler.Length < padding)
            {
                filler.Append("0123456789abcdef"[random.Next(16)]);
            }
            objects.Add($"<< /Length {padding} >>\nstream\n{filler}\nendstream");
        }
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Count; i++)
        {
            offsets.Add(pdf.Length);
            pdf.Append(i + 1).Append(" 0 obj\n").Append(objects[i]).Append("\nendobj\n");
        }
        var xref = pdf.Length;
        pdf.Append("xref\n0 ").Append(objects.Count + 1).Append("\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            pdf.Append(offset.ToString("D10", System.Globalization.CultureInfo.InvariantCulture)).Append(" 00000 n \n");
        }
        pdf.Append("trailer\n<< /Size ").Append(objects.Count + 1).Append(" /Root 1 0 R >>\nstartxref\n").Append(xref).Append("\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }

    /// <summary>A PDF header and nothing else: no objects, no xref, no trailer.</summary>
    public static byte[] Damaged => "%PDF-1.4\n%test\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R"u8.ToArray();
}
