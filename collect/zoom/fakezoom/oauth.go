package fakezoom

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
)

// The OAuth token endpoint: Server-to-Server credentials in, access
// tokens out.

// token is the Server-to-Server OAuth endpoint: Basic client credentials,
// grant_type=account_credentials and the account id, in the form body or
// the query.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	s.tokenRequests.Add(1)
	oauthErr := func(status int, code, reason string) {
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]string{"reason": reason, "error": code})
	}
	if r.Method != http.MethodPost {
		oauthErr(http.StatusMethodNotAllowed, "invalid_request", "Use POST.")
		return
	}
	if err := r.ParseForm(); err != nil {
		oauthErr(http.StatusBadRequest, "invalid_request", "Unreadable form.")
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok || id != s.opts.ClientID || secret != s.opts.ClientSecret {
		oauthErr(http.StatusUnauthorized, "invalid_client", "Invalid client_id or client_secret")
		return
	}
	if g := r.Form.Get("grant_type"); g != "account_credentials" {
		oauthErr(http.StatusBadRequest, "unsupported_grant_type", "Unsupported grant type")
		return
	}
	if a := r.Form.Get("account_id"); a != s.opts.AccountID {
		oauthErr(http.StatusBadRequest, "invalid_request", "Invalid request : Account ID is not valid.")
		return
	}
	tok := s.issueAccessToken()
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	json.NewEncoder(w).Encode(map[string]any{
		"access_token": tok, "token_type": "bearer", "expires_in": int(s.opts.TokenTTL.Seconds()),
		"scope": "dashboard_meetings:read:admin dashboard_webinars:read:admin", "api_url": "https://api.zoom.us",
	})
}

// issueAccessToken makes a new access token, valid for TokenTTL.
func (s *Server) issueAccessToken() string {
	var b [24]byte
	rand.Read(b[:])
	tok := "fz." + hex.EncodeToString(b[:])
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[tok] = s.opts.Clock().Add(s.opts.TokenTTL)
	s.issued = append(s.issued, tok)
	return tok
}
