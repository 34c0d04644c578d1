package cabinet

// companyOfficePages are the company's stores, devices, cashiers,
// licenses, partner and settings.
func (s *Server) companyOfficePages(r webRouter) {}
