<?xml version="1.0" encoding="UTF-8"?>
<!-- suggest.xsl: what starts with the typed words, as links (typeahead without JavaScript) -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:mkt="urn:llm-marketplace:xslt"
    exclude-result-prefixes="mkt">

  <xsl:import href="../common/layout.xsl"/>

  <xsl:template name="page-title">
    <xsl:value-of select='mkt:tr("Suggestions")'/>
  </xsl:template>

  <xsl:template match="data" mode="content">
    <div class="page-head">
      <h1><xsl:value-of select='mkt:tr("Suggestions")'/></h1>
    </div>
    <form class="card filters" method="get" action="/services/suggest" role="search">
      <div class="field">
        <label for="s-q"><xsl:value-of select='mkt:tr("Start typing a name or a word")'/></label>
        <input id="s-q" type="search" name="q" value="{q}" maxlength="100"/>
      </div>
      <button type="submit" class="button button-primary"><xsl:value-of select='mkt:tr("Suggest")'/></button>
    </form>
    <xsl:if test="services/item">
      <section class="card">
        <h2><xsl:value-of select='mkt:tr("Services")'/></h2>
        <ul>
          <xsl:for-each select="services/item">
            <li><a href="{link}"><xsl:value-of select="name"/></a></li>
          </xsl:for-each>
        </ul>
      </section>
    </xsl:if>
    <xsl:if test="words/item">
      <section class="card">
        <h2><xsl:value-of select='mkt:tr("Search for")'/></h2>
        <ul class="chips">
          <xsl:for-each select="words/item">
            <li class="chip">
              <a>
                <xsl:attribute name="href">
                  <xsl:text>/services?q=</xsl:text>
                  <xsl:call-template name="url-encode"><xsl:with-param name="value" select="."/></xsl:call-template>
                </xsl:attribute>
                <xsl:value-of select="."/>
              </a>
            </li>
          </xsl:for-each>
        </ul>
      </section>
    </xsl:if>
    <xsl:if test="normalize-space(q) != '' and not(services/item) and not(words/item)">
      <p class="empty-state"><xsl:value-of select='mkt:tr("Nothing starts with these letters.")'/></p>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
