using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Tests.Fakes;

/// <summary>
/// A self-signed certificate for the host name <c>localhost</c>, made once per test run: the fake
/// upstream serves HTTPS with it the way a provider's edge serves its own name.
/// </summary>
public static class FakeCertificate
{
    public const string HostName = "localhost";

    private static readonly Lazy<X509Certificate2> Instance = new(Create);

    public static X509Certificate2 Certificate => Instance.Value;

    private static X509Certificate2 Create()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={HostName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(HostName);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        // Round-trip through PKCS#12 so the private key is usable by the TLS stack, not only by this object.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }
}
