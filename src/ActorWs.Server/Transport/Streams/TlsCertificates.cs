using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorWs.Server.Options;

namespace ActorWs.Server.Transport.Streams;

/// <summary>Loads the server certificate named in <see cref="TlsOptions"/>.</summary>
internal static class TlsCertificates
{
    /// <exception cref="InvalidOperationException">The files cannot be read or hold no usable certificate and key; the message says which file and why.</exception>
    public static X509Certificate2 Load(TlsOptions tls)
    {
        string path = tls.CertificatePath ?? throw new InvalidOperationException("no TLS certificate configured");
        try
        {
            if (!File.Exists(path)) throw new FileNotFoundException("the file does not exist", path);
            string extension = Path.GetExtension(path).ToLowerInvariant();
            X509Certificate2 certificate;
            if (extension is ".pfx" or ".p12")
            {
                certificate = X509CertificateLoader.LoadPkcs12FromFile(path, tls.Password);
            }
            else
            {
                string keyPath = tls.KeyPath ?? path;
                if (!File.Exists(keyPath)) throw new FileNotFoundException("the key file does not exist", keyPath);
                certificate = tls.Password is null
                    ? X509Certificate2.CreateFromPemFile(path, keyPath)
                    : X509Certificate2.CreateFromEncryptedPemFile(path, tls.Password, keyPath);
            }
            if (!certificate.HasPrivateKey) throw new CryptographicException("the certificate has no private key");
            return certificate;
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new InvalidOperationException($"cannot load the TLS certificate {path}{(tls.KeyPath is null ? "" : " with key " + tls.KeyPath)}: {ex.Message}", ex);
        }
    }
}
